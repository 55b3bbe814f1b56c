#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "sessionstatemetatype.h"
#include "testregistry.h"
#include "widgets/runcontrols.h"

namespace tst_runcontrols {

using espalier::core::SessionState;
using espalier::widgets::RunControls;

namespace {

QPushButton* button(const RunControls& controls, const char* name)
{
    auto* found = controls.findChild<QPushButton*>(QLatin1String(name));
    if (!found)
        qFatal("no button named %s", name);
    return found;
}

} // namespace

class TestRunControls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void enablement_data();
    void enablement();
    void noRecipeDisablesStart();
    void clicksEmitRequests_data();
    void clicksEmitRequests();
    void disabledButtonsEmitNothing();
    void keysEmitRequests_data();
    void keysEmitRequests();
};

void TestRunControls::enablement_data()
{
    QTest::addColumn<SessionState>("state");
    QTest::addColumn<bool>("start");
    QTest::addColumn<bool>("pause");
    QTest::addColumn<bool>("step");
    QTest::addColumn<bool>("resume");
    QTest::addColumn<bool>("stop");
    QTest::addRow("idle") << SessionState::Idle << true << false << false << false << false;
    QTest::addRow("running") << SessionState::Running << false << true << true << false << true;
    QTest::addRow("paused") << SessionState::Paused << false << false << true << true << true;
    QTest::addRow("finished") << SessionState::Finished << true << false << false << false << false;
    QTest::addRow("stopped") << SessionState::Stopped << true << false << false << false << false;
    QTest::addRow("failed") << SessionState::Failed << true << false << false << false << false;
}

void TestRunControls::enablement()
{
    QFETCH(SessionState, state);
    QFETCH(bool, start);
    QFETCH(bool, pause);
    QFETCH(bool, step);
    QFETCH(bool, resume);
    QFETCH(bool, stop);
    RunControls controls;
    controls.setState(state);
    QCOMPARE(controls.state(), state);
    QCOMPARE(button(controls, "startButton")->isEnabled(), start);
    QCOMPARE(button(controls, "pauseButton")->isEnabled(), pause);
    QCOMPARE(button(controls, "stepButton")->isEnabled(), step);
    QCOMPARE(button(controls, "resumeButton")->isEnabled(), resume);
    QCOMPARE(button(controls, "stopButton")->isEnabled(), stop);
}

void TestRunControls::noRecipeDisablesStart()
{
    RunControls controls;
    controls.setCanStart(false);
    QVERIFY(!button(controls, "startButton")->isEnabled());
    controls.setState(SessionState::Finished);
    QVERIFY(!button(controls, "startButton")->isEnabled());
    controls.setCanStart(true);
    QVERIFY(button(controls, "startButton")->isEnabled());
}

void TestRunControls::clicksEmitRequests_data()
{
    QTest::addColumn<SessionState>("state");
    QTest::addColumn<QString>("buttonName");
    QTest::addColumn<QByteArray>("signal");
    QTest::addRow("start") << SessionState::Idle << QStringLiteral("startButton") << QByteArray(SIGNAL(startRequested()));
    QTest::addRow("pause") << SessionState::Running << QStringLiteral("pauseButton") << QByteArray(SIGNAL(pauseRequested()));
    QTest::addRow("step") << SessionState::Paused << QStringLiteral("stepButton") << QByteArray(SIGNAL(stepRequested()));
    QTest::addRow("resume") << SessionState::Paused << QStringLiteral("resumeButton") << QByteArray(SIGNAL(resumeRequested()));
    QTest::addRow("stop") << SessionState::Running << QStringLiteral("stopButton") << QByteArray(SIGNAL(stopRequested()));
}

void TestRunControls::clicksEmitRequests()
{
    QFETCH(SessionState, state);
    QFETCH(QString, buttonName);
    QFETCH(QByteArray, signal);
    RunControls controls;
    controls.show();
    controls.setState(state);
    QSignalSpy spy(&controls, signal.constData());
    QSignalSpy start(&controls, &RunControls::startRequested);
    QTest::mouseClick(button(controls, buttonName.toLatin1().constData()), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    if (buttonName != QStringLiteral("startButton"))
        QCOMPARE(start.count(), 0);
}

void TestRunControls::disabledButtonsEmitNothing()
{
    RunControls controls;
    controls.show();
    controls.setState(SessionState::Idle);
    QSignalSpy stop(&controls, &RunControls::stopRequested);
    QSignalSpy pause(&controls, &RunControls::pauseRequested);
    QTest::mouseClick(button(controls, "stopButton"), Qt::LeftButton);
    QTest::mouseClick(button(controls, "pauseButton"), Qt::LeftButton);
    QCOMPARE(stop.count(), 0);
    QCOMPARE(pause.count(), 0);
}

void TestRunControls::keysEmitRequests_data()
{
    QTest::addColumn<SessionState>("state");
    QTest::addColumn<int>("key");
    QTest::addColumn<int>("modifiers");
    QTest::addColumn<QByteArray>("signal");
    QTest::addRow("F5 start") << SessionState::Idle << int(Qt::Key_F5) << 0 << QByteArray(SIGNAL(startRequested()));
    QTest::addRow("F6 pause") << SessionState::Running << int(Qt::Key_F6) << 0 << QByteArray(SIGNAL(pauseRequested()));
    QTest::addRow("F10 step") << SessionState::Paused << int(Qt::Key_F10) << 0 << QByteArray(SIGNAL(stepRequested()));
    QTest::addRow("F8 resume") << SessionState::Paused << int(Qt::Key_F8) << 0 << QByteArray(SIGNAL(resumeRequested()));
    QTest::addRow("Shift+F5 stop") << SessionState::Running << int(Qt::Key_F5) << int(Qt::ShiftModifier)
                                   << QByteArray(SIGNAL(stopRequested()));
}

void TestRunControls::keysEmitRequests()
{
    QFETCH(SessionState, state);
    QFETCH(int, key);
    QFETCH(int, modifiers);
    QFETCH(QByteArray, signal);
    RunControls controls;
    controls.show();
    QVERIFY(QTest::qWaitForWindowActive(&controls));
    controls.setState(state);
    QSignalSpy spy(&controls, signal.constData());
    // Through the window, as a real key press travels: shortcuts are resolved there, not by the widget.
    QTest::keyClick(controls.windowHandle(), Qt::Key(key), Qt::KeyboardModifiers(modifiers));
    QTRY_COMPARE(spy.count(), 1); // a shortcut animates the click: the signal comes ~100 ms later
    QVERIFY(button(controls, "startButton")->toolTip().contains(QStringLiteral("F5")));
}

ESPALIER_TEST_MAIN(TestRunControls)

} // namespace tst_runcontrols

#include "tst_runcontrols.moc"
