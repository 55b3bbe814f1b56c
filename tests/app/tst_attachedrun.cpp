// Attach to run: a real `espalier-cli run` in another process, watched from an AttachedRunWindow.
// The window's charts follow the run's live.json, and its pause, resume and stop buttons reach
// the run through requests.json: the run pauses (its epochs stop advancing), resumes, and stops
// with the CLI's "stopped" exit code.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include "app/gui/attachedrunwindow.h"
#include "app/gui/liverunwatcher.h"
#include "espalier/core/liverun.h"
#include "screenshot.h"
#include "syntheticsession.h"
#include "testregistry.h"
#include "widgets/roundstable.h"
#include "widgets/runcontrols.h"

namespace tst_attachedrun {

using espalier::app::AttachedRunWindow;
using espalier::core::SessionState;

namespace {

constexpr int kTimeoutMs = 60000;

espalier::core::Snapshot live(const QString& folder)
{
    return espalier::core::readLiveSnapshot(folder.toStdString());
}

} // namespace

class TestAttachedRun : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void followsPausesResumesAndStopsACliRun();
    void aFolderWithoutARunIsRefused();
};

void TestAttachedRun::followsPausesResumesAndStopsACliRun()
{
    QTemporaryDir dir;
    const QString recipePath = dir.filePath(QStringLiteral("long.json"));
    QFile recipe(recipePath);
    QVERIFY(recipe.open(QIODevice::WriteOnly));
    recipe.write(QByteArray::fromStdString(espalier::core::recipeToJson(espalier::testing::longSyntheticRecipe())));
    recipe.close();
    const QString out = dir.filePath(QStringLiteral("run"));

    QProcess cli;
    cli.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    cli.start(QStringLiteral(ESPALIER_CLI_PATH), {QStringLiteral("run"), recipePath, QStringLiteral("--out"), out});
    QVERIFY(cli.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out + QStringLiteral("/live.json")) &&
                                 live(out).state == SessionState::Running && !live(out).epochs.empty(),
                             kTimeoutMs);

    QString error;
    AttachedRunWindow* window = AttachedRunWindow::attach(out, nullptr, &error);
    QVERIFY2(window, qPrintable(error));
    window->resize(1400, 900);
    window->show();
    auto* controls = window->runControls();
    QTRY_COMPARE_WITH_TIMEOUT(controls->state(), SessionState::Running, kTimeoutMs);
    QVERIFY(!controls->startButton()->isEnabled()); // started elsewhere

    QTest::mouseClick(controls->pauseButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(controls->state(), SessionState::Paused, kTimeoutMs);
    const auto pausedEpochs = live(out).epochs.size();
    QTest::qWait(1500); // a paused run trains no further epoch
    QCOMPARE(live(out).epochs.size(), pausedEpochs);
    QCOMPARE(cli.state(), QProcess::Running);
    espalier::testing::screenshot(*window, "attached-run");

    QTest::mouseClick(controls->resumeButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(live(out).epochs.size() > pausedEpochs, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(controls->state(), SessionState::Running, kTimeoutMs);

    QTest::mouseClick(controls->stopButton(), Qt::LeftButton);
    QVERIFY(cli.waitForFinished(kTimeoutMs));
    QCOMPARE(cli.exitCode(), 1); // stopped by the user: the CLI's exit code for a stopped run
    QTRY_COMPARE_WITH_TIMEOUT(controls->state(), SessionState::Stopped, kTimeoutMs);
    QVERIFY(QFile::exists(out + QStringLiteral("/session.h5"))); // what ran is kept
    delete window;

    // Attached after the end, a window shows the last state at once.
    AttachedRunWindow* later = AttachedRunWindow::attach(out, nullptr, &error);
    QVERIFY2(later, qPrintable(error));
    QCOMPARE(later->runControls()->state(), SessionState::Stopped);
    QVERIFY(!later->runControls()->pauseButton()->isEnabled());
    delete later;
}

void TestAttachedRun::aFolderWithoutARunIsRefused()
{
    QTemporaryDir dir;
    QString error;
    QVERIFY(!AttachedRunWindow::attach(dir.path(), nullptr, &error));
    QVERIFY2(error.contains(QStringLiteral("live.json")), qPrintable(error));
}

ESPALIER_TEST_MAIN(TestAttachedRun)

} // namespace tst_attachedrun

#include "tst_attachedrun.moc"
