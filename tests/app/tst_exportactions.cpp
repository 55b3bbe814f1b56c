#include <cmath>

#include <QAction>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include "app/gui/exportactions.h"
#include "app/gui/sessioncontroller.h"
#include "espalier/core/evaluation.h"
#include "espalier/core/inspect.h"
#include "espalier/core/savedreport.h"
#include "syntheticsession.h"
#include "testregistry.h"

Q_DECLARE_METATYPE(espalier::core::SaveKind)

namespace tst_exportactions {

using espalier::app::ExportActions;
using espalier::app::SessionController;
using espalier::app::SnapshotPtr;
using espalier::core::SaveKind;
using espalier::core::SaveRequest;
using espalier::core::SessionState;

namespace {

constexpr int kTimeoutMs = 120000;

/// The parts of the window an export touches: a main window with a status bar, the controller
/// that owns the worker thread, and the Export menu.
struct Window {
    Window() : controller(new SessionController(&window)), exports(new ExportActions(controller, &window))
    {
        QObject::connect(controller, &SessionController::snapshotReady, &window,
                         [this](const SnapshotPtr& snapshot) { latest = snapshot; });
    }
    /// Loads `recipe` and waits until the session exists.
    bool load(const espalier::core::Recipe& recipe)
    {
        controller->load(recipe);
        return QTest::qWaitFor([this] { return controller->hasSession(); }, kTimeoutMs);
    }
    bool waitForState(SessionState state)
    {
        return QTest::qWaitFor([&] { return latest && latest->state == state; }, kTimeoutMs);
    }
    /// Exports and waits for the outcome; returns the message shown, prefixed "ok: " or "failed: ".
    QString exportAndWait(const SaveRequest& request)
    {
        QSignalSpy exported(exports, &ExportActions::exported);
        exports->exportTo(request);
        if (!QTest::qWaitFor([&] { return exported.count() > 0; }, kTimeoutMs))
            return QStringLiteral("timeout");
        const QString prefix = exported.at(0).at(1).toBool() ? QStringLiteral("ok: ") : QStringLiteral("failed: ");
        return prefix + exported.at(0).at(0).toString();
    }

    QMainWindow window;
    SessionController* controller;
    ExportActions* exports;
    SnapshotPtr latest;
};

std::string pathIn(const QTemporaryDir& dir, const char* name)
{
    return QFile::encodeName(dir.filePath(QLatin1String(name))).toStdString();
}

/// Reads `request`'s file back with the core's readers; empty when it holds a session of
/// `sparsity`, else what is wrong.
QString checkWritten(const SaveRequest& request, double sparsity)
{
    try {
        switch (request.kind) {
        case SaveKind::Report: {
            const auto report = espalier::core::openSavedReport(request.path);
            if (report.snapshot.layers.size() != 3 || report.masks.size() != 3)
                return QStringLiteral("report has %1 layers").arg(report.snapshot.layers.size());
            if (std::abs(report.snapshot.sparsity - sparsity) > 1e-3)
                return QStringLiteral("report sparsity %1").arg(report.snapshot.sparsity);
            return {};
        }
        case SaveKind::Model: {
            espalier::core::ModelSpec model;
            model.name = request.path;
            espalier::core::DataSpec data;
            data.name = "synthetic";
            data.root = "";
            const auto evaluation = espalier::core::evaluateModel(model, data, /*seed=*/0, /*threads=*/1);
            if (std::abs(evaluation.sparsity - sparsity) > 1e-3)
                return QStringLiteral("model sparsity %1").arg(evaluation.sparsity);
            return {};
        }
        case SaveKind::Masks: {
            const QJsonObject masks =
                QJsonDocument::fromJson(QByteArray::fromStdString(espalier::core::inspectFileJson(request.path)))
                    .object();
            if (masks.value(QStringLiteral("format")).toString() != QStringLiteral("espalier-masks"))
                return QStringLiteral("not a masks file");
            if (std::abs(masks.value(QStringLiteral("sparsity")).toDouble() - sparsity) > 1e-3)
                return QStringLiteral("masks sparsity %1").arg(masks.value(QStringLiteral("sparsity")).toDouble());
            const QJsonArray layers = masks.value(QStringLiteral("layers")).toArray();
            if (layers.size() != 3)
                return QStringLiteral("masks has %1 layers").arg(layers.size());
            const bool scored = request.withScores && sparsity > 0.0; // scores exist after the first round
            for (const QJsonValue& layer : layers)
                if (layer.toObject().value(QStringLiteral("scores")).toBool() != scored)
                    return QStringLiteral("scores stored: %1").arg(!scored);
            return {};
        }
        case SaveKind::SparseCheckpoint: {
            const QJsonObject checkpoint =
                QJsonDocument::fromJson(QByteArray::fromStdString(espalier::core::inspectFileJson(request.path)))
                    .object();
            if (checkpoint.value(QStringLiteral("format")).toString() != QLatin1String("espalier-sparse-checkpoint"))
                return QStringLiteral("not a sparse checkpoint");
            const double stored = checkpoint.value(QStringLiteral("sparsity")).toDouble();
            if (std::abs(stored - sparsity) > 1e-3)
                return QStringLiteral("checkpoint sparsity %1").arg(stored);
            return {};
        }
        case SaveKind::LayerCsv: {
            QFile file(QString::fromStdString(request.path));
            if (!file.open(QIODevice::ReadOnly))
                return QStringLiteral("cannot read the CSV");
            const QStringList rows =
                QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
            if (rows.size() != 4 || !rows.at(0).startsWith(QLatin1String("name,shape,numel,kept")))
                return QStringLiteral("CSV rows: %1").arg(rows.join(QLatin1Char('|')));
            double numel = 0.0, kept = 0.0;
            for (const QString& row : rows.mid(1)) {
                numel += row.section(QLatin1Char(','), 2, 2).toDouble();
                kept += row.section(QLatin1Char(','), 3, 3).toDouble();
            }
            if (std::abs(1.0 - kept / numel - sparsity) > 1e-3)
                return QStringLiteral("CSV sparsity %1").arg(1.0 - kept / numel);
            return {};
        }
        case SaveKind::Session: {
            const QJsonObject session =
                QJsonDocument::fromJson(QByteArray::fromStdString(espalier::core::inspectFileJson(request.path)))
                    .object();
            if (session.value(QStringLiteral("format")).toString() != QLatin1String("espalier-session"))
                return QStringLiteral("not a session file");
            const double stored = session.value(QStringLiteral("sparsity")).toDouble();
            if (std::abs(stored - sparsity) > 1e-3)
                return QStringLiteral("session sparsity %1").arg(stored);
            return {};
        }
        default: return QStringLiteral("no check for this kind");
        }
    } catch (const std::exception& error) {
        return QString::fromStdString(error.what());
    }
}

QByteArray contents(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestExportActions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void disabledUntilASessionLoads();
    void exportsEachKindWhenIdle_data();
    void exportsEachKindWhenIdle();
    void exportsWhilePaused();
    void smallerModelAfterTheChannelCut();
    void exportsWhileRunning();
    void saveAskedJustBeforeStopIsStillAnswered();
    void missingFolderShowsTheErrorWithThePath();
    void failedWriteKeepsTheEarlierFile();
};

void TestExportActions::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the export folder stays out of ~/.config
}

void TestExportActions::disabledUntilASessionLoads()
{
    Window w;
    QMenu* menu = w.exports->menu();
    QCOMPARE(menu->actions().size(), 8);
    for (QAction* action : menu->actions())
        QVERIFY2(!action->isEnabled(), qPrintable(action->text()));
    QVERIFY(w.load(espalier::testing::syntheticRecipe()));
    QTRY_VERIFY(menu->findChild<QAction*>(QStringLiteral("exportReportAction"))->isEnabled());
    for (QAction* action : menu->actions())
        QVERIFY2(action->isEnabled(), qPrintable(action->text()));
    if (const QString dir = qEnvironmentVariable("ESPALIER_SCREENSHOTS"); !dir.isEmpty()) {
        menu->popup(QPoint(0, 0));
        QVERIFY(QTest::qWaitForWindowExposed(menu));
        menu->grab().save(dir + QStringLiteral("/export-menu.png"));
        menu->close();
    }
}

void TestExportActions::exportsEachKindWhenIdle_data()
{
    QTest::addColumn<SaveKind>("kind");
    QTest::addColumn<bool>("withScores");
    QTest::addColumn<QString>("fileName");
    QTest::addRow("report") << SaveKind::Report << false << QStringLiteral("report.h5");
    QTest::addRow("model") << SaveKind::Model << false << QStringLiteral("model.pt");
    QTest::addRow("masks") << SaveKind::Masks << false << QStringLiteral("masks.h5");
    QTest::addRow("masks with scores") << SaveKind::Masks << true << QStringLiteral("scores.h5");
    QTest::addRow("sparse checkpoint") << SaveKind::SparseCheckpoint << false << QStringLiteral("checkpoint.h5");
    QTest::addRow("layer statistics") << SaveKind::LayerCsv << false << QStringLiteral("layers.csv");
    QTest::addRow("session") << SaveKind::Session << false << QStringLiteral("session.h5");
}

void TestExportActions::exportsEachKindWhenIdle()
{
    QFETCH(SaveKind, kind);
    QFETCH(bool, withScores);
    QFETCH(QString, fileName);
    QTemporaryDir dir;
    Window w;
    QVERIFY(w.load(espalier::testing::syntheticRecipe()));

    // Loaded, not run: the dense session.
    const SaveRequest before{kind, pathIn(dir, "before-") + fileName.toStdString(), withScores};
    QCOMPARE(w.exportAndWait(before).left(4), QStringLiteral("ok: "));
    QCOMPARE(checkWritten(before, 0.0), QString());

    // Run to the end: the worker is idle again and writes at once.
    w.controller->start();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller->state(), SessionState::Finished, kTimeoutMs);
    const SaveRequest after{kind, pathIn(dir, "") + fileName.toStdString(), withScores};
    const QString message = w.exportAndWait(after);
    QVERIFY2(message.startsWith(QLatin1String("ok: ")), qPrintable(message));
    QVERIFY2(message.contains(QString::fromStdString(after.path)), qPrintable(message));
    QCOMPARE(w.window.statusBar()->currentMessage(), message.mid(4));
    QCOMPARE(checkWritten(after, 0.9), QString());
}

void TestExportActions::smallerModelAfterTheChannelCut()
{
    QTemporaryDir dir;
    Window w;
    auto recipe = espalier::testing::syntheticRecipe();
    recipe.model.name = "lenet5";
    recipe.method = "none";
    recipe.channels.method = "l1-filter";
    recipe.channels.fraction = 0.5;
    QVERIFY(w.load(recipe));
    const SaveRequest early{SaveKind::SmallerModel, pathIn(dir, "early.pt"), false};
    const QString refused = w.exportAndWait(early);
    QVERIFY2(refused.startsWith(QLatin1String("failed: ")) && refused.contains(QLatin1String("no channel has been removed")),
             qPrintable(refused));

    w.controller->start();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller->state(), SessionState::Finished, kTimeoutMs);
    const SaveRequest smaller{SaveKind::SmallerModel, pathIn(dir, "smaller.pt"), false};
    QCOMPARE(w.exportAndWait(smaller).left(4), QStringLiteral("ok: "));
    const SaveRequest masked{SaveKind::Model, pathIn(dir, "masked.pt"), false};
    QCOMPARE(w.exportAndWait(masked).left(4), QStringLiteral("ok: "));
    espalier::core::DataSpec data;
    data.name = "synthetic";
    data.root = "";
    espalier::core::ModelSpec model;
    model.name = smaller.path;
    const auto small = espalier::core::evaluateModel(model, data, 0, 1);
    model.name = masked.path;
    const auto full = espalier::core::evaluateModel(model, data, 0, 1);
    QCOMPARE(small.layers[0].shape, (std::vector<std::int64_t>{10, 1, 5, 5}));
    QCOMPARE(full.layers[0].shape, (std::vector<std::int64_t>{20, 1, 5, 5}));
    QCOMPARE(small.testAccuracy, full.testAccuracy); // the same function, physically smaller
}

void TestExportActions::exportsWhilePaused()
{
    QTemporaryDir dir;
    Window w;
    QVERIFY(w.load(espalier::testing::longSyntheticRecipe()));
    w.controller->start();
    QVERIFY(w.waitForState(SessionState::Running));
    w.controller->pause();
    QVERIFY(w.waitForState(SessionState::Paused));
    const SaveRequest requests[] = {{SaveKind::Report, pathIn(dir, "report.h5"), false},
                                    {SaveKind::Model, pathIn(dir, "model.pt"), false},
                                    {SaveKind::Masks, pathIn(dir, "masks.h5"), true}};
    for (const SaveRequest& request : requests) {
        const QString message = w.exportAndWait(request);
        QVERIFY2(message.startsWith(QLatin1String("ok: ")), qPrintable(message));
        QCOMPARE(checkWritten(request, 0.0), QString()); // still pretraining: nothing pruned yet
    }
    QCOMPARE(w.controller->state(), SessionState::Paused); // saving does not resume the session
    w.controller->stop();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller->state(), SessionState::Stopped, kTimeoutMs);
}

void TestExportActions::exportsWhileRunning()
{
    QTemporaryDir dir;
    Window w;
    QVERIFY(w.load(espalier::testing::longSyntheticRecipe()));
    w.controller->start();
    QVERIFY(w.waitForState(SessionState::Running));
    const SaveRequest report{SaveKind::Report, pathIn(dir, "report.h5"), false};
    const SaveRequest model{SaveKind::Model, pathIn(dir, "model.pt"), false};
    QVERIFY(w.exportAndWait(report).startsWith(QLatin1String("ok: ")));
    QVERIFY(w.exportAndWait(model).startsWith(QLatin1String("ok: ")));
    QCOMPARE(w.controller->state(), SessionState::Running);
    QCOMPARE(checkWritten(report, 0.0), QString());
    QCOMPARE(checkWritten(model, 0.0), QString());
    w.controller->stop();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller->state(), SessionState::Stopped, kTimeoutMs);
}

void TestExportActions::saveAskedJustBeforeStopIsStillAnswered()
{
    // Stop first: the session ends at its next safe point without serving the request it was
    // handed, and the worker writes it after the run instead, so every request gets an answer.
    QTemporaryDir dir;
    Window w;
    QVERIFY(w.load(espalier::testing::longSyntheticRecipe()));
    w.controller->start();
    QVERIFY(w.waitForState(SessionState::Running));
    w.controller->pause();
    QVERIFY(w.waitForState(SessionState::Paused));
    QSignalSpy exported(w.exports, &ExportActions::exported);
    const SaveRequest report{SaveKind::Report, pathIn(dir, "report.h5"), false};
    w.controller->stop();
    w.exports->exportTo(report);
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, kTimeoutMs);
    QVERIFY2(exported.at(0).at(1).toBool(), qPrintable(exported.at(0).at(0).toString()));
    QCOMPARE(checkWritten(report, 0.0), QString());
    QTRY_COMPARE_WITH_TIMEOUT(w.controller->state(), SessionState::Stopped, kTimeoutMs);
}

void TestExportActions::missingFolderShowsTheErrorWithThePath()
{
    QTemporaryDir dir;
    Window w;
    QVERIFY(w.load(espalier::testing::syntheticRecipe()));
    const std::string path = pathIn(dir, "no-such-folder/report.h5");
    const QString message = w.exportAndWait({SaveKind::Report, path, false});
    QVERIFY2(message.startsWith(QLatin1String("failed: ")), qPrintable(message));
    QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
    auto* box = w.window.findChild<QMessageBox*>(QStringLiteral("exportErrorBox"));
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QVERIFY2(box->text().contains(QString::fromStdString(path)), qPrintable(box->text()));
    box->accept();
    QVERIFY(!QFile::exists(QString::fromStdString(path)));
    QCOMPARE(w.controller->state(), SessionState::Idle); // the session is untouched and still exports
    const QString retry = w.exportAndWait({SaveKind::Report, pathIn(dir, "report.h5"), false});
    QVERIFY2(retry.startsWith(QLatin1String("ok: ")), qPrintable(retry));
}

void TestExportActions::failedWriteKeepsTheEarlierFile()
{
    QTemporaryDir dir;
    Window w;
    QVERIFY(w.load(espalier::testing::syntheticRecipe()));
    const SaveRequest request{SaveKind::Masks, pathIn(dir, "masks.h5"), false};
    QVERIFY(w.exportAndWait(request).startsWith(QLatin1String("ok: ")));
    const QString path = QString::fromStdString(request.path);
    const QByteArray earlier = contents(path);
    QVERIFY(!earlier.isEmpty());
    // Every write goes to <path>.tmp-<pid> first (docs/formats.md); a folder there makes it fail.
    QVERIFY(QDir().mkdir(path + QStringLiteral(".tmp-%1").arg(QCoreApplication::applicationPid())));
    const QString message = w.exportAndWait({SaveKind::Masks, request.path, true});
    QVERIFY2(message.startsWith(QLatin1String("failed: ")), qPrintable(message));
    QVERIFY2(message.contains(path), qPrintable(message));
    QCOMPARE(contents(path), earlier);
    QCOMPARE(checkWritten(request, 0.0), QString());
}

ESPALIER_TEST_MAIN(TestExportActions)

} // namespace tst_exportactions

#include "tst_exportactions.moc"
