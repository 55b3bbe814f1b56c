#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "app/gui/mainwindow.h"
#include "app/gui/sessioncontroller.h"
#include "espalier/core/recipe.h"
#include "espalier/core/session.h"
#include "testregistry.h"
#include "widgets/densitychart.h"
#include "widgets/logview.h"

namespace tst_mainwindow {

using espalier::app::MainWindow;
using espalier::core::Recipe;
using espalier::core::SessionState;

namespace {

constexpr int kTimeoutMs = 120000;

Recipe syntheticRecipe()
{
    Recipe recipe;
    recipe.model.name = "lenet300";
    recipe.data.name = "synthetic";
    recipe.data.trainLimit = 256;
    recipe.method = "magnitude";
    recipe.targetSparsity = 0.9;
    recipe.pretrain.epochs = 1;
    recipe.train.epochs = 1;
    recipe.threads = 1;
    return recipe;
}

/// A long run, so that Pause and Stop certainly land before it ends.
Recipe longRecipe()
{
    Recipe recipe = syntheticRecipe();
    recipe.data.trainLimit.reset();
    recipe.pretrain.epochs = 20;
    recipe.pretrain.batch = 32;
    return recipe;
}

QString writeRecipe(const QTemporaryDir& dir, const QString& name, const Recipe& recipe)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(QByteArray::fromStdString(espalier::core::recipeToJson(recipe)));
    return path;
}

QPushButton* button(const MainWindow& window, const char* name)
{
    auto* found = window.findChild<QPushButton*>(QLatin1String(name));
    if (!found)
        qFatal("no button %s", name);
    return found;
}

QString labelText(const MainWindow& window, const char* name)
{
    const auto* label = window.findChild<QLabel*>(QLatin1String(name));
    return label ? label->text() : QString();
}

int layerRows(const MainWindow& window)
{
    const auto* view = window.findChild<QTableView*>(QStringLiteral("layerTableView"));
    return view ? view->model()->rowCount() : -1;
}

QString logText(const MainWindow& window)
{
    return window.findChild<espalier::widgets::LogView*>(QStringLiteral("logView"))->plainText();
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // layout and recent files stay out of ~/.config
    void init();
    void cleanup();
    void startButtonRunsASessionLive();
    void pauseResumeAndStopButtons();
    void missingDataFailsAndWindowSurvives();
    void invalidRecipeFileIsRejected();
    void saveRecipeWritesWhatItRuns();
    void stoppedSessionContinuesFromItsAutosave();
    void closeWhileRunningJoinsTheWorker();
    void deleteWhileRunningDoesNotCrash();

private:
    QTemporaryDir* m_dir = nullptr;
    MainWindow* m_window = nullptr;
};

void TestMainWindow::init()
{
    m_dir = new QTemporaryDir;
    QVERIFY(m_dir->isValid());
    m_window = new MainWindow;
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
}

void TestMainWindow::cleanup()
{
    delete m_window;
    delete m_dir;
}

void TestMainWindow::startButtonRunsASessionLive()
{
    MainWindow& window = *m_window;
    QVERIFY(!button(window, "startButton")->isEnabled()); // nothing to run yet
    QVERIFY(window.openRecipe(writeRecipe(*m_dir, QStringLiteral("short.json"), syntheticRecipe())));
    QTRY_COMPARE_WITH_TIMEOUT(layerRows(window), 3, kTimeoutMs); // prepared before Start
    QCOMPARE(window.controller()->workerThread()->objectName(), QStringLiteral("espalier-worker"));

    QVERIFY(button(window, "startButton")->isEnabled());
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QCOMPARE(window.controller()->state(), SessionState::Running);
    QVERIFY(button(window, "stopButton")->isEnabled());

    QTRY_COMPARE_WITH_TIMEOUT(window.controller()->state(), SessionState::Finished, kTimeoutMs);
    QCOMPARE(window.latestSnapshot()->state, SessionState::Finished);
    QCOMPARE(layerRows(window), 3);
    QCOMPARE(window.findChild<espalier::widgets::DensityChart*>(QStringLiteral("densityChart"))->layerCount(), 3);
    QCOMPARE(labelText(window, "sparsityLabel"), QStringLiteral("Sparsity 90.00 % (target 90.00 %)"));
    QCOMPARE(labelText(window, "stateLabel"), QStringLiteral("Finished"));
    QVERIFY(button(window, "startButton")->isEnabled());
    QVERIFY(!button(window, "stopButton")->isEnabled());
    QVERIFY(logText(window).contains(QStringLiteral("Session finished")));

    // Start again runs a fresh session from the same recipe.
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.controller()->state(), SessionState::Finished, kTimeoutMs);
    QCOMPARE(window.latestSnapshot()->epochs.size(), std::size_t(2));
}

void TestMainWindow::pauseResumeAndStopButtons()
{
    MainWindow& window = *m_window;
    QVERIFY(window.openRecipe(writeRecipe(*m_dir, QStringLiteral("long.json"), longRecipe())));
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window.latestSnapshot() && window.latestSnapshot()->batch > 0, kTimeoutMs);

    QTest::mouseClick(button(window, "pauseButton"), Qt::LeftButton);
    QCOMPARE(window.controller()->state(), SessionState::Paused);
    QVERIFY(button(window, "resumeButton")->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(window.latestSnapshot()->state, SessionState::Paused, kTimeoutMs);
    const auto batchWhenPaused = window.latestSnapshot()->batch;
    QTest::qWait(300);
    QCOMPARE(window.latestSnapshot()->batch, batchWhenPaused);
    QCOMPARE(window.controller()->state(), SessionState::Paused);

    QTest::mouseClick(button(window, "resumeButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.latestSnapshot()->state, SessionState::Running, kTimeoutMs);
    QCOMPARE(window.controller()->state(), SessionState::Running);

    QTest::mouseClick(button(window, "stopButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.controller()->state(), SessionState::Stopped, kTimeoutMs);
    QVERIFY(window.isVisible());
    QVERIFY(button(window, "startButton")->isEnabled());
    QVERIFY(logText(window).contains(QStringLiteral("stopped")));
}

void TestMainWindow::missingDataFailsAndWindowSurvives()
{
    MainWindow& window = *m_window;
    const QString missing = m_dir->filePath(QStringLiteral("no-such-mnist"));
    Recipe bad = syntheticRecipe();
    bad.data.name = "mnist";
    bad.data.root = missing.toStdString();
    bad.data.trainLimit.reset();
    QSignalSpy failed(window.controller(), &espalier::app::SessionController::failed);
    QVERIFY(window.openRecipe(writeRecipe(*m_dir, QStringLiteral("bad.json"), bad))); // parses fine
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs); // loading the data fails
    QVERIFY(failed.at(0).at(0).toString().contains(missing));
    QCOMPARE(window.controller()->state(), SessionState::Failed);

    auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QVERIFY(box->text().startsWith(QStringLiteral("The session failed")));
    QVERIFY(box->text().contains(missing));
    QVERIFY(logText(window).contains(missing));
    box->accept();
    QVERIFY(window.isVisible());

    // Start after the failure retries and fails again; it never hangs in Running.
    QVERIFY(button(window, "startButton")->isEnabled());
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, kTimeoutMs);
    QTRY_COMPARE(window.controller()->state(), SessionState::Failed);
    QVERIFY(button(window, "startButton")->isEnabled());

    // The window goes on working with a good recipe.
    QVERIFY(window.openRecipe(writeRecipe(*m_dir, QStringLiteral("good.json"), syntheticRecipe())));
    QTRY_COMPARE_WITH_TIMEOUT(layerRows(window), 3, kTimeoutMs);
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.controller()->state(), SessionState::Finished, kTimeoutMs);
}

void TestMainWindow::invalidRecipeFileIsRejected()
{
    MainWindow& window = *m_window;
    const QString path = m_dir->filePath(QStringLiteral("typo.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"model": {"name": "lenet300"}, "target_sparsty": 0.9})");
    file.close();
    QVERIFY(!window.openRecipe(path));
    auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QVERIFY2(box->text().contains(QStringLiteral("target_sparsty")), qPrintable(box->text()));
    QVERIFY(!button(window, "startButton")->isEnabled());
    QVERIFY(!window.openRecipe(m_dir->filePath(QStringLiteral("absent.json"))));
    QVERIFY(window.isVisible());
}

void TestMainWindow::stoppedSessionContinuesFromItsAutosave()
{
    MainWindow& window = *m_window;
    Recipe recipe = syntheticRecipe();
    recipe.rounds = 3;
    recipe.roundEpochs = 1;
    espalier::core::Session straight(recipe);
    straight.run();

    QVERIFY(window.openRecipe(writeRecipe(*m_dir, QStringLiteral("three.json"), recipe)));
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window.latestSnapshot() && window.latestSnapshot()->rounds.size() >= 1, kTimeoutMs);
    window.controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isActive(), kTimeoutMs);
    // The log names the autosave: "The session is saved to <path> after every round ...".
    const QString log = logText(window);
    const QString marker = QStringLiteral("The session is saved to ");
    const int at = log.indexOf(marker);
    QVERIFY2(at >= 0, qPrintable(log));
    const QString path = log.mid(at + marker.size()).section(QStringLiteral(" after every round"), 0, 0);
    QVERIFY2(QFile::exists(path), qPrintable(path));

    QVERIFY(window.openSession(path));
    QTRY_COMPARE_WITH_TIMEOUT(layerRows(window), 3, kTimeoutMs);
    QVERIFY(window.latestSnapshot()->rounds.size() >= 1); // the finished rounds are on screen before Start
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.controller()->state(), SessionState::Finished, kTimeoutMs);
    const auto& a = straight.snapshot();
    const auto& b = *window.latestSnapshot();
    QCOMPARE(b.rounds.size(), a.rounds.size());
    QCOMPARE(b.keptWeights, a.keptWeights);
    QVERIFY(b.rounds.back().testAccuracy == a.rounds.back().testAccuracy); // exactly
    QVERIFY(logText(window).contains(QStringLiteral("Continues the session saved in")));

    const QString garbage = m_dir->filePath(QStringLiteral("garbage.h5"));
    QFile file(garbage);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a session");
    file.close();
    QVERIFY(!window.openSession(garbage));
    auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
    QVERIFY(box && box->text().contains(QStringLiteral("garbage.h5")));
    QVERIFY(window.isVisible());
}

void TestMainWindow::saveRecipeWritesWhatItRuns()
{
    MainWindow& window = *m_window;
    Recipe recipe = syntheticRecipe();
    recipe.targetSparsity = 0.95;
    recipe.method = "random";
    QVERIFY(window.openRecipe(writeRecipe(*m_dir, QStringLiteral("in.json"), recipe)));
    const QString out = m_dir->filePath(QStringLiteral("out.json"));
    QVERIFY(window.saveRecipe(out));
    const Recipe saved = espalier::core::loadRecipeFile(out.toStdString());
    QCOMPARE(saved.targetSparsity, 0.95);
    QCOMPARE(saved.method, std::string("random"));
    QCOMPARE(saved.data.trainLimit.value_or(0), std::int64_t(256));
    QVERIFY(window.windowTitle().contains(QStringLiteral("out.json")));
    QVERIFY(!window.saveRecipe(m_dir->filePath(QStringLiteral("no/such/dir/out.json"))));
}

void TestMainWindow::closeWhileRunningJoinsTheWorker()
{
    MainWindow& window = *m_window;
    QVERIFY(window.openRecipe(writeRecipe(*m_dir, QStringLiteral("long.json"), longRecipe())));
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window.latestSnapshot() && window.latestSnapshot()->batch > 0, kTimeoutMs);
    QThread* worker = window.controller()->workerThread();
    QVERIFY(worker->isRunning());
    window.close();
    QVERIFY(worker->isFinished());
}

void TestMainWindow::deleteWhileRunningDoesNotCrash()
{
    QVERIFY(m_window->openRecipe(writeRecipe(*m_dir, QStringLiteral("long.json"), longRecipe())));
    QTest::mouseClick(button(*m_window, "startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->latestSnapshot() && m_window->latestSnapshot()->batch > 0, kTimeoutMs);
    delete m_window; // as when the application quits without a close event
    m_window = nullptr;
}

ESPALIER_TEST_MAIN(TestMainWindow)

} // namespace tst_mainwindow

#include "tst_mainwindow.moc"
