#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include "findchild.h"
#include "sessionstatemetatype.h"
#include "testregistry.h"
#include "widgets/historypanel.h"

namespace tst_historypanel {

using espalier::core::EpochRecord;
using espalier::core::RoundRecord;
using espalier::core::SessionState;
using espalier::core::Snapshot;
using espalier::widgets::HistoryPanel;

using espalier::testing::child;

namespace {

RoundRecord round(int number, int branch, double sparsity, double accuracy)
{
    RoundRecord r;
    r.round = number;
    r.branch = branch;
    r.sparsity = sparsity;
    r.effectiveSparsity = sparsity;
    r.testAccuracy = accuracy;
    return r;
}

/// Branch 0 ran rounds 1–3; the user rolled back to round 1 and branch 1 ran rounds 2 and 3 again.
Snapshot twoBranches(SessionState state = SessionState::Paused)
{
    Snapshot s;
    s.state = state;
    EpochRecord pretrain;
    pretrain.phase = "pretrain";
    pretrain.testAccuracy = 0.91;
    s.epochs = {pretrain};
    s.rounds = {round(1, 0, 0.5, 0.90), round(2, 0, 0.75, 0.88), round(3, 0, 0.875, 0.85),
                round(2, 1, 0.6, 0.895), round(3, 1, 0.8, 0.87)};
    s.rollbackRounds = {0, 1, 2, 3};
    s.branch = 1;
    return s;
}

QStringList rowText(const QTreeWidget* list, int i)
{
    const QTreeWidgetItem* item = list->topLevelItem(i);
    return {item->text(0), item->text(1), item->text(2)};
}

QPoint centerOf(const QTreeWidget* list, int i) { return list->visualItemRect(list->topLevelItem(i)).center(); }

} // namespace

class TestHistoryPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rowsFollowTheCurrentBranch();
    void firstBranchHasNoBranchLine();
    void buttonNeedsSelectionAndLiveSession_data();
    void buttonNeedsSelectionAndLiveSession();
    void buttonRequestsRollback();
    void doubleClickRequestsRollback();
    void unchangedSnapshotKeepsRows();
    void newRoundKeepsSelection();
};

void TestHistoryPanel::rowsFollowTheCurrentBranch()
{
    HistoryPanel panel;
    panel.setSnapshot(twoBranches());
    const auto* list = child<QTreeWidget>(panel, "historyList");
    QCOMPARE(list->topLevelItemCount(), 4);
    QCOMPARE(rowText(list, 0), (QStringList{"after pretraining (dense)", "0.00 %", "91.00 %"}));
    QCOMPARE(rowText(list, 1), (QStringList{"round 1", "50.00 %", "90.00 %"})); // branch 1 builds on it
    QCOMPARE(rowText(list, 2), (QStringList{"round 2", "60.00 %", "89.50 %"})); // not branch 0's 75 %
    QCOMPARE(rowText(list, 3), (QStringList{"round 3", "80.00 %", "87.00 %"}));
    QCOMPARE(list->topLevelItem(3)->data(0, HistoryPanel::RoundRole).toInt(), 3);
    const auto* branch = child<QLabel>(panel, "branchLabel");
    QVERIFY(branch->isVisibleTo(&panel));
    QCOMPARE(branch->text(), QStringLiteral("branch 1"));
}

void TestHistoryPanel::firstBranchHasNoBranchLine()
{
    HistoryPanel panel;
    Snapshot s = twoBranches();
    s.branch = 0;
    s.rollbackRounds = {0, 1, 2, 3};
    panel.setSnapshot(s);
    QVERIFY(!child<QLabel>(panel, "branchLabel")->isVisibleTo(&panel));
    QCOMPARE(rowText(child<QTreeWidget>(panel, "historyList"), 2), (QStringList{"round 2", "75.00 %", "88.00 %"}));
}

void TestHistoryPanel::buttonNeedsSelectionAndLiveSession_data()
{
    QTest::addColumn<SessionState>("state");
    QTest::addColumn<bool>("enabled");
    QTest::addRow("running") << SessionState::Running << true;
    QTest::addRow("paused") << SessionState::Paused << true;
    QTest::addRow("idle") << SessionState::Idle << false;
    QTest::addRow("finished") << SessionState::Finished << false;
    QTest::addRow("stopped") << SessionState::Stopped << false;
    QTest::addRow("failed") << SessionState::Failed << false;
}

void TestHistoryPanel::buttonNeedsSelectionAndLiveSession()
{
    QFETCH(SessionState, state);
    QFETCH(bool, enabled);
    HistoryPanel panel;
    panel.setSnapshot(twoBranches(state));
    auto* button = child<QPushButton>(panel, "rollbackButton");
    QVERIFY(!button->isEnabled()); // nothing selected
    child<QTreeWidget>(panel, "historyList")->topLevelItem(1)->setSelected(true);
    QCOMPARE(button->isEnabled(), enabled);
    panel.setState(SessionState::Paused); // a pause the snapshot does not show yet
    QVERIFY(button->isEnabled());
}

void TestHistoryPanel::buttonRequestsRollback()
{
    HistoryPanel panel;
    panel.resize(420, 240);
    panel.setSnapshot(twoBranches());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy spy(&panel, &HistoryPanel::rollbackRequested);
    auto* list = child<QTreeWidget>(panel, "historyList");
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, centerOf(list, 2));
    QCOMPARE(panel.selectedRound(), 2);
    QTest::mouseClick(child<QPushButton>(panel, "rollbackButton"), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 2);
}

void TestHistoryPanel::doubleClickRequestsRollback()
{
    HistoryPanel panel;
    panel.resize(420, 240);
    panel.setSnapshot(twoBranches());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy spy(&panel, &HistoryPanel::rollbackRequested);
    auto* list = child<QTreeWidget>(panel, "historyList");
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, centerOf(list, 0));
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, centerOf(list, 0));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 0);

    panel.setSnapshot(twoBranches(SessionState::Finished)); // too late to roll back
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, centerOf(list, 1));
    QCOMPARE(spy.count(), 1);
}

void TestHistoryPanel::unchangedSnapshotKeepsRows()
{
    HistoryPanel panel;
    panel.setSnapshot(twoBranches());
    auto* list = child<QTreeWidget>(panel, "historyList");
    const QTreeWidgetItem* first = list->topLevelItem(0);
    QSignalSpy removed(list->model(), &QAbstractItemModel::rowsRemoved);
    for (int i = 0; i < 30; ++i)
        panel.setSnapshot(twoBranches());
    QCOMPARE(removed.count(), 0);
    QCOMPARE(list->topLevelItem(0), first);
}

void TestHistoryPanel::newRoundKeepsSelection()
{
    HistoryPanel panel;
    Snapshot s = twoBranches();
    panel.setSnapshot(s);
    auto* list = child<QTreeWidget>(panel, "historyList");
    list->topLevelItem(2)->setSelected(true);
    s.rounds.push_back(round(4, 1, 0.9, 0.84));
    s.rollbackRounds = {1, 2, 3, 4}; // the bounded history dropped the dense state
    panel.setSnapshot(s);
    QCOMPARE(list->topLevelItemCount(), 4);
    QCOMPARE(rowText(list, 3), (QStringList{"round 4", "90.00 %", "84.00 %"}));
    QCOMPARE(panel.selectedRound(), 2);
}

ESPALIER_TEST_MAIN(TestHistoryPanel)

} // namespace tst_historypanel

#include "tst_historypanel.moc"
