#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include "findchild.h"
#include "sessionstatemetatype.h"
#include "testregistry.h"
#include "widgets/steeringpanel.h"

namespace tst_steeringpanel {

using espalier::core::Recipe;
using espalier::core::SessionState;
using espalier::core::Snapshot;
using espalier::core::SteeringChange;
using espalier::widgets::SteeringPanel;

using espalier::testing::child;

namespace {

Recipe session()
{
    Recipe r;
    r.targetSparsity = 0.98;
    r.method = "snip";
    r.methodParams = {{"samples", 100}};
    r.rounds = 5;
    r.schedule = "exponential";
    r.roundEpochs = 2;
    r.collapsePolicy = "block";
    return r;
}

QString number(double value) { return QLocale::c().toString(value, 'g', QLocale::FloatingPointShortest); }

/// A change as "key=value" lines, so a comparison failure shows every field that was sent.
QStringList fields(const SteeringChange& c)
{
    QStringList out;
    if (c.targetSparsity)
        out << QStringLiteral("target_sparsity=") + number(*c.targetSparsity);
    if (c.method)
        out << QStringLiteral("method=") + QString::fromStdString(*c.method);
    if (c.methodParams) {
        QStringList params;
        for (const auto& [name, value] : *c.methodParams)
            params << QString::fromStdString(name) + QLatin1Char(':') + number(value);
        out << QStringLiteral("method_params={") + params.join(QLatin1Char(',')) + QLatin1Char('}');
    }
    if (c.rounds)
        out << QStringLiteral("rounds=%1").arg(*c.rounds);
    if (c.schedule)
        out << QStringLiteral("schedule=") + QString::fromStdString(*c.schedule);
    if (c.roundEpochs)
        out << QStringLiteral("round_epochs=%1").arg(*c.roundEpochs);
    if (c.collapsePolicy)
        out << QStringLiteral("collapse_policy=") + QString::fromStdString(*c.collapsePolicy);
    if (!c.locks.empty() || !c.floors.empty())
        out << QStringLiteral("locks/floors");
    return out;
}

void typeInto(QWidget* field, const QString& text)
{
    field->setFocus();
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(field, text);
}

void clickApply(SteeringPanel& panel) { QTest::mouseClick(child<QPushButton>(panel, "applyButton"), Qt::LeftButton); }

SteeringChange emitted(const QSignalSpy& spy, int i = 0) { return spy.at(i).at(0).value<SteeringChange>(); }

} // namespace

class TestSteeringPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void fillsFieldsFromSession();
    void applySendsOnlyTheEditedField_data();
    void applySendsOnlyTheEditedField();
    void typingTheSessionValueBackIsNoChange();
    void badParamsAreMarkedAndApplyRefuses();
    void switchingMethodDropsOldParams();
    void setSessionKeepsTheUsersEdit();
    void appliedValuesStayUntilTheSessionReportsThem();
    void showErrorMarksFieldAndRestoresEdit_data();
    void showErrorMarksFieldAndRestoresEdit();
    void resetRestoresSession();
    void editableByState_data();
    void editableByState();
    void wholeSessionMethodCannotBeSwitched();

private:
    std::unique_ptr<SteeringPanel> m_panel;
};

void TestSteeringPanel::init()
{
    m_panel = std::make_unique<SteeringPanel>();
    m_panel->setSession(session(), Snapshot{});
    m_panel->setEnabledForState(SessionState::Paused);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestSteeringPanel::fillsFieldsFromSession()
{
    const SteeringPanel& panel = *m_panel;
    QCOMPARE(child<QDoubleSpinBox>(panel, "targetSpin")->value(), 98.0);
    QCOMPARE(child<QDoubleSpinBox>(panel, "targetSpin")->decimals(), 3);
    QCOMPARE(child<QComboBox>(panel, "methodCombo")->currentText(), QStringLiteral("snip"));
    QCOMPARE(child<QLineEdit>(panel, "methodParamsEdit")->text(), QStringLiteral("samples=100"));
    QCOMPARE(child<QSpinBox>(panel, "roundsSpin")->value(), 5);
    QCOMPARE(child<QComboBox>(panel, "scheduleCombo")->currentText(), QStringLiteral("exponential"));
    QCOMPARE(child<QSpinBox>(panel, "roundEpochsSpin")->value(), 2);
    QCOMPARE(child<QComboBox>(panel, "collapsePolicyCombo")->currentText(), QStringLiteral("block"));
    QVERIFY(!child<QPushButton>(panel, "applyButton")->isEnabled()); // nothing changed
    QVERIFY(!child<QPushButton>(panel, "resetButton")->isEnabled());
    QVERIFY(child<QLabel>(panel, "hintLabel")->text().contains(QLatin1String("next round whose mask")));
    for (const QWidget* widget : panel.findChildren<QWidget*>(Qt::FindDirectChildrenOnly)) {
        if (qobject_cast<const QLabel*>(widget) == nullptr)
            QVERIFY2(!widget->toolTip().isEmpty() && !widget->objectName().isEmpty(),
                     qPrintable(widget->metaObject()->className() + QStringLiteral(" ") + widget->objectName()));
    }
}

void TestSteeringPanel::applySendsOnlyTheEditedField_data()
{
    QTest::addColumn<QString>("widget");
    QTest::addColumn<QString>("typed"); // empty: press Down in the combo box
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("target 99") << "targetSpin" << "99" << QStringList{"target_sparsity=0.99"};
    QTest::addRow("target 99.5") << "targetSpin" << "99.5" << QStringList{"target_sparsity=0.995"};
    QTest::addRow("rounds") << "roundsSpin" << "8" << QStringList{"rounds=8"};
    QTest::addRow("no epochs between rounds") << "roundEpochsSpin" << "0" << QStringList{"round_epochs=0"};
    QTest::addRow("schedule") << "scheduleCombo" << "" << QStringList{"schedule=linear"};
    QTest::addRow("policy") << "collapsePolicyCombo" << "" << QStringList{"collapse_policy=clamp"};
    QTest::addRow("params") << "methodParamsEdit" << "samples=50, temperature=2e2"
                            << QStringList{"method_params={samples:50,temperature:200}"};
}

void TestSteeringPanel::applySendsOnlyTheEditedField()
{
    QFETCH(QString, widget);
    QFETCH(QString, typed);
    QFETCH(QStringList, expected);
    QSignalSpy spy(m_panel.get(), &SteeringPanel::steeringRequested);
    auto* field = child<QWidget>(*m_panel, widget.toLatin1().constData());
    if (typed.isEmpty())
        QTest::keyClick(field, Qt::Key_Down);
    else
        typeInto(field, typed);
    QVERIFY(child<QPushButton>(*m_panel, "applyButton")->isEnabled());
    clickApply(*m_panel);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(fields(emitted(spy)), expected);
    QCOMPARE(emitted(spy).round, 0); // the session decides the round
    // Sent once: a second click has nothing new to send.
    QVERIFY(!child<QPushButton>(*m_panel, "applyButton")->isEnabled());
    clickApply(*m_panel);
    QCOMPARE(spy.count(), 1);
}

void TestSteeringPanel::typingTheSessionValueBackIsNoChange()
{
    auto* target = child<QDoubleSpinBox>(*m_panel, "targetSpin");
    typeInto(target, QStringLiteral("99"));
    QVERIFY(child<QPushButton>(*m_panel, "applyButton")->isEnabled());
    typeInto(target, QStringLiteral("98"));
    QVERIFY(!child<QPushButton>(*m_panel, "applyButton")->isEnabled());
    QVERIFY(m_panel->change().empty());
}

void TestSteeringPanel::badParamsAreMarkedAndApplyRefuses()
{
    QSignalSpy spy(m_panel.get(), &SteeringPanel::steeringRequested);
    auto* params = child<QLineEdit>(*m_panel, "methodParamsEdit");
    auto* error = child<QLabel>(*m_panel, "paramsErrorLabel");
    typeInto(child<QDoubleSpinBox>(*m_panel, "targetSpin"), QStringLiteral("99")); // a good edit elsewhere
    typeInto(params, QStringLiteral("samples=abc"));
    QVERIFY(params->property("invalid").toBool());
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("\"abc\" is not a number")), qPrintable(error->text()));
    QVERIFY(!child<QPushButton>(*m_panel, "applyButton")->isEnabled());
    clickApply(*m_panel);
    QCOMPARE(spy.count(), 0);

    typeInto(params, QStringLiteral("samples 50"));
    QVERIFY(error->text().contains(QLatin1String("not name=value")));
    typeInto(params, QStringLiteral("samples=50"));
    QVERIFY(!params->property("invalid").toBool());
    QVERIFY(!error->isVisible());
    clickApply(*m_panel);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(fields(emitted(spy)), (QStringList{"target_sparsity=0.99", "method_params={samples:50}"}));
}

void TestSteeringPanel::switchingMethodDropsOldParams()
{
    QSignalSpy spy(m_panel.get(), &SteeringPanel::steeringRequested);
    auto* method = child<QComboBox>(*m_panel, "methodCombo");
    auto* params = child<QLineEdit>(*m_panel, "methodParamsEdit");
    QTest::keyClick(method, Qt::Key_Down); // snip → grasp
    QCOMPARE(method->currentText(), QStringLiteral("grasp"));
    QCOMPARE(params->text(), QString()); // the core clears snip's parameters on a switch
    QCOMPARE(fields(m_panel->change()), QStringList{"method=grasp"});
    QTest::keyClick(method, Qt::Key_Up); // back to snip: its parameters come back
    QCOMPARE(params->text(), QStringLiteral("samples=100"));
    QVERIFY(m_panel->change().empty());

    QTest::keyClick(method, Qt::Key_Down);
    typeInto(params, QStringLiteral("temperature=100"));
    clickApply(*m_panel);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(fields(emitted(spy)), (QStringList{"method=grasp", "method_params={temperature:100}"}));
}

void TestSteeringPanel::setSessionKeepsTheUsersEdit()
{
    typeInto(child<QDoubleSpinBox>(*m_panel, "targetSpin"), QStringLiteral("99"));
    QVERIFY(m_panel->isDirty(SteeringPanel::TargetField));
    Recipe moved = session();
    moved.targetSparsity = 0.95; // e.g. a recipe steering entry that applied meanwhile
    moved.rounds = 7;
    m_panel->setSession(moved, Snapshot{});
    QCOMPARE(child<QDoubleSpinBox>(*m_panel, "targetSpin")->value(), 99.0);
    QCOMPARE(child<QSpinBox>(*m_panel, "roundsSpin")->value(), 7); // not edited: follows the session
    QCOMPARE(fields(m_panel->change()), QStringList{"target_sparsity=0.99"});
}

void TestSteeringPanel::appliedValuesStayUntilTheSessionReportsThem()
{
    auto* target = child<QDoubleSpinBox>(*m_panel, "targetSpin");
    typeInto(target, QStringLiteral("99"));
    clickApply(*m_panel);
    QVERIFY(!m_panel->isDirty(SteeringPanel::TargetField));
    m_panel->setSession(session(), Snapshot{}); // the session has not reached a safe point yet
    QCOMPARE(target->value(), 99.0);
    QVERIFY(!child<QPushButton>(*m_panel, "applyButton")->isEnabled());

    Recipe applied = session();
    applied.targetSparsity = 0.99;
    SteeringChange recorded;
    recorded.round = 2;
    recorded.targetSparsity = 0.99;
    applied.steering.push_back(recorded);
    m_panel->setSession(applied, Snapshot{});
    Recipe later = applied;
    later.targetSparsity = 0.97; // from now on the field follows the session again
    m_panel->setSession(later, Snapshot{});
    QCOMPARE(target->value(), 97.0);
}

void TestSteeringPanel::showErrorMarksFieldAndRestoresEdit_data()
{
    QTest::addColumn<QString>("widget");
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("key");
    QTest::addRow("rounds") << "roundsSpin" << "3" << "rounds";
    QTest::addRow("target") << "targetSpin" << "99.9" << "target_sparsity";
    QTest::addRow("a parameter") << "methodParamsEdit" << "samples=0" << "method_params.samples";
    QTest::addRow("steering prefix") << "roundEpochsSpin" << "9" << "steering.round_epochs";
}

void TestSteeringPanel::showErrorMarksFieldAndRestoresEdit()
{
    QFETCH(QString, widget);
    QFETCH(QString, typed);
    QFETCH(QString, key);
    auto* field = child<QWidget>(*m_panel, widget.toLatin1().constData());
    auto* error = child<QLabel>(*m_panel, "errorLabel");
    typeInto(field, typed);
    clickApply(*m_panel);
    const QString message = key + QStringLiteral(": refused by the core");
    m_panel->showError(key, message);
    QVERIFY(field->property("invalid").toBool());
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(), message);
    // The refused value is the user's again: kept by setSession and sent by the next Apply.
    m_panel->setSession(session(), Snapshot{});
    QVERIFY(child<QPushButton>(*m_panel, "applyButton")->isEnabled());
    QVERIFY(!m_panel->change().empty());
    typeInto(field, typed + QLatin1Char('1')); // editing the marked field clears the mark
    QVERIFY(!field->property("invalid").toBool());
    QVERIFY(!error->isVisible());
}

void TestSteeringPanel::resetRestoresSession()
{
    typeInto(child<QDoubleSpinBox>(*m_panel, "targetSpin"), QStringLiteral("90"));
    typeInto(child<QSpinBox>(*m_panel, "roundsSpin"), QStringLiteral("9"));
    m_panel->showError(QStringLiteral("rounds"), QStringLiteral("rounds: too few"));
    QVERIFY(child<QPushButton>(*m_panel, "resetButton")->isEnabled());
    QTest::mouseClick(child<QPushButton>(*m_panel, "resetButton"), Qt::LeftButton);
    QCOMPARE(child<QDoubleSpinBox>(*m_panel, "targetSpin")->value(), 98.0);
    QCOMPARE(child<QSpinBox>(*m_panel, "roundsSpin")->value(), 5);
    QVERIFY(!child<QSpinBox>(*m_panel, "roundsSpin")->property("invalid").toBool());
    QVERIFY(!child<QLabel>(*m_panel, "errorLabel")->isVisible());
    QVERIFY(!child<QPushButton>(*m_panel, "applyButton")->isEnabled());
    QVERIFY(!child<QPushButton>(*m_panel, "resetButton")->isEnabled());
}

void TestSteeringPanel::editableByState_data()
{
    QTest::addColumn<SessionState>("state");
    QTest::addColumn<bool>("editable");
    QTest::addRow("idle") << SessionState::Idle << true;
    QTest::addRow("running") << SessionState::Running << true;
    QTest::addRow("paused") << SessionState::Paused << true;
    QTest::addRow("finished") << SessionState::Finished << false;
    QTest::addRow("stopped") << SessionState::Stopped << false;
    QTest::addRow("failed") << SessionState::Failed << false;
}

void TestSteeringPanel::editableByState()
{
    QFETCH(SessionState, state);
    QFETCH(bool, editable);
    typeInto(child<QSpinBox>(*m_panel, "roundsSpin"), QStringLiteral("9"));
    m_panel->setEnabledForState(state);
    for (const char* name : {"targetSpin", "methodCombo", "methodParamsEdit", "roundsSpin", "scheduleCombo",
                             "roundEpochsSpin", "collapsePolicyCombo"})
        QVERIFY2(child<QWidget>(*m_panel, name)->isEnabled() == editable, name);
    QCOMPARE(child<QPushButton>(*m_panel, "applyButton")->isEnabled(), editable);
}

void TestSteeringPanel::wholeSessionMethodCannotBeSwitched()
{
    Recipe espn = session();
    espn.method = "espn-finetune";
    espn.methodParams = {{"alpha", 8e-5}};
    m_panel->setSession(espn, Snapshot{});
    auto* method = child<QComboBox>(*m_panel, "methodCombo");
    QCOMPARE(method->currentText(), QStringLiteral("espn-finetune"));
    QVERIFY(!method->isEnabled());
    QVERIFY(method->toolTip().contains(QLatin1String("cannot be switched")));
    QCOMPARE(child<QLineEdit>(*m_panel, "methodParamsEdit")->text(), QStringLiteral("alpha=8e-05"));
    QVERIFY(child<QDoubleSpinBox>(*m_panel, "targetSpin")->isEnabled());
}

ESPALIER_TEST_MAIN(TestSteeringPanel)

} // namespace tst_steeringpanel

#include "tst_steeringpanel.moc"
