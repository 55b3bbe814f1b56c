#include <QAction>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <qcustomplot.h>

#include "../widgets/findchild.h"
#include "app/gui/mainwindow.h"
#include "app/gui/reportsummary.h"
#include "app/gui/reportwindow.h"
#include "app/gui/sessioncontroller.h"
#include "espalier/core/session.h"
#include "screenshot.h"
#include "syntheticsession.h"
#include "testregistry.h"
#include "widgets/curvechart.h"
#include "widgets/layertable.h"
#include "widgets/maskinspector.h"
#include "widgets/recipeview.h"
#include "widgets/roundstable.h"
#include "widgets/saliencyhistogram.h"
#include "widgets/sparsitycurvechart.h"

namespace tst_reportwindow {

using espalier::app::MainWindow;
using espalier::app::ReportWindow;
using espalier::testing::child;
using espalier::testing::screenshot;

namespace {

/// Clicks the layer table's row of `name`, as a user would.
void clickLayer(ReportWindow& window, const QString& name)
{
    auto* view = child<QTableView>(window, "layerTableView");
    const QAbstractItemModel* model = view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        for (int column = 0; column < model->columnCount(); ++column) {
            const QModelIndex index = model->index(row, column);
            if (model->data(index).toString() == name) {
                view->scrollTo(index);
                QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
                return;
            }
        }
    }
    qFatal("no row for %s", qPrintable(name));
}

} // namespace

class TestReportWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void showsTheReportInEveryView();
    void selectingALayerShowsItsMask();
    void badFilesAreRefusedWithTheirName_data();
    void badFilesAreRefusedWithTheirName();
    void mainWindowOpensReportsAndTheirRecipes();
    void mainWindowShowsWhyAReportDidNotOpen();

private:
    QTemporaryDir m_dir;
    QString m_report;
    QString m_masks;
};

void TestReportWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // A real report: one round of magnitude pruning to 90 % on synthetic data, written by the core.
    espalier::core::Session session(espalier::testing::syntheticRecipe());
    session.run();
    m_report = m_dir.filePath(QStringLiteral("report.h5"));
    session.saveReport(QFile::encodeName(m_report).toStdString());
    m_masks = m_dir.filePath(QStringLiteral("masks.h5"));
    session.saveMasks(QFile::encodeName(m_masks).toStdString());
}

void TestReportWindow::showsTheReportInEveryView()
{
    QString error;
    // ESPALIER_REPORT shows another report (e.g. a Fashion-MNIST run) for the screenshot.
    const QString path = qEnvironmentVariable("ESPALIER_REPORT", m_report);
    ReportWindow* window = ReportWindow::open(path, nullptr, &error);
    QVERIFY2(window, qPrintable(error));
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QVERIFY2(window->windowTitle().contains(QLatin1String("report.h5")), qPrintable(window->windowTitle()));
    QVERIFY(window->windowTitle().contains(QLatin1String("read-only")));
    QVERIFY(window->findChildren<QPushButton*>(QStringLiteral("startButton")).isEmpty()); // no run controls
    screenshot(*window, "report-window");
    const auto& snapshot = window->report().snapshot;
    const std::size_t rounds = snapshot.rounds.size();
    const std::size_t epochs = snapshot.epochs.size();
    if (path == m_report) {
        QCOMPARE(rounds, std::size_t(1));
        QCOMPARE(epochs, std::size_t(2));
    }

    QCOMPARE(child<QTableView>(*window, "layerTableView")->model()->rowCount(), 3);
    auto* curve = child<espalier::widgets::SparsityCurveChart>(*window, "sparsityCurve");
    using Series = espalier::widgets::SparsityCurveChart::Series;
    QCOMPARE(std::size_t(curve->curve(Series::TestAccuracy)->dataCount()), rounds);
    QVERIFY(curve->denseLine()->visible());
    auto* epochsChart = child<espalier::widgets::CurveChart>(*window, "curveChart");
    QCOMPARE(std::size_t(epochsChart->accuracyGraph()->dataCount()), epochs);
    QCOMPARE(epochsChart->markers().size(), rounds);
    auto* roundsTable = child<espalier::widgets::RoundsTable>(*window, "roundsTable");
    QCOMPARE(std::size_t(roundsTable->topLevelItemCount()), rounds);
    if (path == m_report) {
        auto* summary = child<espalier::app::ReportSummary>(*window, "reportSummary");
        QVERIFY2(summary->fieldText(QStringLiteral("sparsity")).startsWith(QLatin1String("90.00 %")),
                 qPrintable(summary->fieldText(QStringLiteral("sparsity"))));
        QCOMPARE(summary->fieldText(QStringLiteral("model")), QStringLiteral("lenet300"));
        QCOMPARE(child<espalier::widgets::RecipeView>(*window, "recipeView")->fieldText(QStringLiteral("method")),
                 QStringLiteral("magnitude"));
    }
    // The first layer is selected from the start.
    QCOMPARE(window->selectedLayer(), QStringLiteral("fc1.weight"));
    QVERIFY(child<espalier::widgets::MaskInspector>(*window, "maskInspector")->hasLayer());
    delete window;
}

void TestReportWindow::selectingALayerShowsItsMask()
{
    QString error;
    std::unique_ptr<ReportWindow> window(ReportWindow::open(m_report, nullptr, &error));
    QVERIFY2(window, qPrintable(error));
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    clickLayer(*window, QStringLiteral("fc2.weight"));
    QCOMPARE(window->selectedLayer(), QStringLiteral("fc2.weight"));

    auto* inspector = child<espalier::widgets::MaskInspector>(*window, "maskInspector");
    QVERIFY(inspector->hasLayer());
    QCOMPARE(inspector->layout().numel(), qint64(100 * 300));
    QVERIFY(!inspector->isViewAvailable(espalier::widgets::MaskView::Weights)); // a report has no weights
    const auto* mask = window->report().mask("fc2.weight");
    QVERIFY(mask);
    // Every cell under the mouse describes the stored mask, without a weight.
    for (const std::int64_t flat : {std::int64_t(0), std::int64_t(4321), std::int64_t(29999)}) {
        const auto cell = inspector->cellAt(double(flat % 300), double(flat / 300));
        QVERIFY(cell);
        QCOMPARE(cell->flatIndex, flat);
        QCOMPARE(cell->kept, mask->mask[std::size_t(flat)] != 0);
        QVERIFY(!cell->weight);
    }
    auto* histogram = child<espalier::widgets::SaliencyHistogramChart>(*window, "saliencyHistogram");
    QCOMPARE(histogram->layerName(), QStringLiteral("fc2.weight"));
    QVERIFY(!histogram->histogram().keptCounts.empty());
}

void TestReportWindow::badFilesAreRefusedWithTheirName_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("copyOf"); // else write `bytes`
    QTest::addColumn<int>("truncateTo"); // -1: keep the whole copy
    QTest::addRow("text") << QByteArray("this is not HDF5\n") << QString() << -1;
    QTest::addRow("empty") << QByteArray() << QString() << -1;
    QTest::addRow("truncated report") << QByteArray() << m_report << 4096;
    QTest::addRow("masks file") << QByteArray() << m_masks << -1;
}

void TestReportWindow::badFilesAreRefusedWithTheirName()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, copyOf);
    QFETCH(int, truncateTo);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.h5"));
    if (!copyOf.isEmpty()) {
        QVERIFY(QFile::copy(copyOf, path));
        if (truncateTo >= 0)
            QVERIFY(QFile::resize(path, truncateTo));
    } else {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }
    QString error;
    QVERIFY(!ReportWindow::open(path, nullptr, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
}

void TestReportWindow::mainWindowOpensReportsAndTheirRecipes()
{
    MainWindow main;
    main.show();
    QVERIFY(main.openReport(m_report));
    auto* window = main.findChild<ReportWindow*>(QStringLiteral("reportWindow"));
    QVERIFY(window);
    QVERIFY(window->isWindow());
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QVERIFY(!main.controller()->hasRecipe());

    auto* openAsRecipe = window->findChild<QAction*>(QStringLiteral("openAsRecipeAction"));
    QVERIFY(openAsRecipe && openAsRecipe->isEnabled());
    openAsRecipe->trigger();
    QVERIFY(main.controller()->hasRecipe());
    QCOMPARE(main.controller()->currentRecipe().method, std::string("magnitude"));
    QTRY_VERIFY_WITH_TIMEOUT(main.controller()->hasSession(), 120000);
    window->close(); // deleted on close; the main window goes on
    QTRY_VERIFY(!main.findChild<ReportWindow*>(QStringLiteral("reportWindow")));
}

void TestReportWindow::mainWindowShowsWhyAReportDidNotOpen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.h5"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a report");
    file.close();
    MainWindow main;
    main.show();
    QVERIFY(!main.openReport(path));
    QVERIFY(!main.findChild<ReportWindow*>());
    auto* box = main.findChild<QMessageBox*>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QVERIFY2(box->text().contains(path), qPrintable(box->text()));
}

ESPALIER_TEST_MAIN(TestReportWindow)

} // namespace tst_reportwindow

#include "tst_reportwindow.moc"
