#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include "findchild.h"
#include "testregistry.h"
#include "widgets/collapsepanel.h"
#include "widgets/palette.h"

namespace tst_collapsepanel {

using espalier::core::CollapseWarning;
using espalier::core::Snapshot;
using espalier::widgets::CollapsePanel;

using espalier::testing::child;

namespace {

Snapshot withWarnings(std::vector<CollapseWarning> warnings)
{
    Snapshot s;
    s.sparsity = 0.98;
    s.effectiveSparsity = 0.9883;
    s.collapseWarnings = std::move(warnings);
    return s;
}

std::vector<CollapseWarning> threeWarnings()
{
    return {{2, "fc3.weight", "block", "blocked", "round 2 would prune every weight of fc3.weight"},
            {3, "", "clamp", "clamped", "round 3 would cut every input→output path"},
            {4, "fc2.weight", "allow", "allowed", "fc2.weight collapsed in round 4"}};
}

QTreeWidgetItem* row(const CollapsePanel& panel, int i)
{
    return child<QTreeWidget>(panel, "warningList")->topLevelItem(i);
}

void doubleClick(QTreeWidget* list, QTreeWidgetItem* item)
{
    const QPoint center = list->visualItemRect(item).center();
    // A double-click arrives after a first press and release, as from a real mouse.
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, center);
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, center);
}

} // namespace

class TestCollapsePanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyState();
    void summaryShowsNominalAndEffective();
    void rowsNewestFirstWithColouredActions();
    void unchangedSnapshotLeavesTheListAlone();
    void newWarningsGoOnTopKeepingSelection();
    void anotherSessionRebuilds();
    void doubleClickActivatesLayer();
};

void TestCollapsePanel::emptyState()
{
    CollapsePanel panel;
    panel.setSnapshot(withWarnings({}));
    QCOMPARE(panel.warningCount(), 0);
    QVERIFY(child<QLabel>(panel, "emptyLabel")->isVisibleTo(&panel));
    QCOMPARE(child<QLabel>(panel, "emptyLabel")->text(), QStringLiteral("no layer collapse so far"));
    QVERIFY(!child<QTreeWidget>(panel, "warningList")->isVisibleTo(&panel));

    panel.setSnapshot(withWarnings(threeWarnings()));
    QVERIFY(!child<QLabel>(panel, "emptyLabel")->isVisibleTo(&panel));
    QVERIFY(child<QTreeWidget>(panel, "warningList")->isVisibleTo(&panel));
    panel.clear();
    QCOMPARE(panel.warningCount(), 0);
    QVERIFY(child<QLabel>(panel, "emptyLabel")->isVisibleTo(&panel));
}

void TestCollapsePanel::summaryShowsNominalAndEffective()
{
    CollapsePanel panel;
    panel.setSnapshot(withWarnings({}));
    const QLabel* summary = child<QLabel>(panel, "summaryLabel");
    QCOMPARE(summary->text(), QStringLiteral("nominal sparsity 98.00 % · effective 98.83 %"));
    QVERIFY(summary->toolTip().contains(QStringLiteral("input→output path")));
}

void TestCollapsePanel::rowsNewestFirstWithColouredActions()
{
    CollapsePanel panel;
    panel.setSnapshot(withWarnings(threeWarnings()));
    QCOMPARE(panel.warningCount(), 3);
    QCOMPARE(child<QTreeWidget>(panel, "warningList")->topLevelItemCount(), 3);
    using C = CollapsePanel;

    const QTreeWidgetItem* allowed = row(panel, 0);
    QCOMPARE(allowed->text(C::RoundColumn), QStringLiteral("4"));
    QCOMPARE(allowed->text(C::LayerColumn), QStringLiteral("fc2.weight"));
    QCOMPARE(allowed->text(C::PolicyColumn), QStringLiteral("allow"));
    QCOMPARE(allowed->text(C::ActionColumn), QStringLiteral("allowed"));
    QCOMPARE(allowed->foreground(C::ActionColumn).color(), espalier::widgets::warningColor());
    QVERIFY(allowed->font(C::ActionColumn).italic());
    QCOMPARE(allowed->toolTip(C::LayerColumn), QStringLiteral("fc2.weight collapsed in round 4"));

    const QTreeWidgetItem* clamped = row(panel, 1);
    QCOMPARE(clamped->text(C::LayerColumn), QStringLiteral("whole network"));
    QCOMPARE(clamped->foreground(C::ActionColumn).color(), espalier::widgets::nearFloorColor());
    QVERIFY(!clamped->font(C::ActionColumn).italic());

    const QTreeWidgetItem* blocked = row(panel, 2);
    QCOMPARE(blocked->text(C::RoundColumn), QStringLiteral("2"));
    QCOMPARE(blocked->foreground(C::ActionColumn).color(), espalier::widgets::warningColor());
    QVERIFY(!blocked->font(C::ActionColumn).italic());
    QCOMPARE(blocked->toolTip(C::ActionColumn), QStringLiteral("round 2 would prune every weight of fc3.weight"));
}

void TestCollapsePanel::unchangedSnapshotLeavesTheListAlone()
{
    CollapsePanel panel;
    panel.setSnapshot(withWarnings(threeWarnings()));
    auto* list = child<QTreeWidget>(panel, "warningList");
    QSignalSpy inserted(list->model(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(list->model(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(list->model(), &QAbstractItemModel::modelReset);
    const QTreeWidgetItem* top = row(panel, 0);
    for (int i = 0; i < 30; ++i)
        panel.setSnapshot(withWarnings(threeWarnings()));
    QCOMPARE(inserted.count() + removed.count() + reset.count(), 0);
    QCOMPARE(row(panel, 0), top);
}

void TestCollapsePanel::newWarningsGoOnTopKeepingSelection()
{
    CollapsePanel panel;
    auto warnings = threeWarnings();
    panel.setSnapshot(withWarnings(warnings));
    auto* list = child<QTreeWidget>(panel, "warningList");
    QTreeWidgetItem* selected = row(panel, 1);
    list->setCurrentItem(selected);
    warnings.push_back({5, "fc1.weight", "block", "blocked", "round 5 would prune every weight of fc1.weight"});
    panel.setSnapshot(withWarnings(warnings));
    QCOMPARE(panel.warningCount(), 4);
    QCOMPARE(row(panel, 0)->text(CollapsePanel::LayerColumn), QStringLiteral("fc1.weight"));
    QCOMPARE(row(panel, 2), selected); // the same item, not a rebuilt copy
    QVERIFY(selected->isSelected());
}

void TestCollapsePanel::anotherSessionRebuilds()
{
    CollapsePanel panel;
    panel.setSnapshot(withWarnings(threeWarnings()));
    std::vector<CollapseWarning> other{{1, "conv1.weight", "allow", "allowed", "a"},
                                       {1, "conv2.weight", "allow", "allowed", "b"},
                                       {2, "conv3.weight", "allow", "allowed", "c"}};
    panel.setSnapshot(withWarnings(other)); // same count, different warnings
    QCOMPARE(panel.warningCount(), 3);
    QCOMPARE(row(panel, 0)->text(CollapsePanel::LayerColumn), QStringLiteral("conv3.weight"));
    QCOMPARE(row(panel, 2)->text(CollapsePanel::LayerColumn), QStringLiteral("conv1.weight"));
}

void TestCollapsePanel::doubleClickActivatesLayer()
{
    CollapsePanel panel;
    panel.resize(480, 240);
    panel.setSnapshot(withWarnings(threeWarnings()));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy spy(&panel, &CollapsePanel::warningActivated);
    auto* list = child<QTreeWidget>(panel, "warningList");
    doubleClick(list, row(panel, 0));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("fc2.weight"));
    doubleClick(list, row(panel, 1)); // "whole network" names no layer
    QCOMPARE(spy.count(), 1);
}

ESPALIER_TEST_MAIN(TestCollapsePanel)

} // namespace tst_collapsepanel

#include "tst_collapsepanel.moc"
