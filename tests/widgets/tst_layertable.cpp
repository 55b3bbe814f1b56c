#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTest>

#include "testregistry.h"
#include "widgets/layertable.h"
#include "widgets/layertablemodel.h"

namespace tst_layertable {

using espalier::core::LayerStats;
using espalier::widgets::LayerTable;
using espalier::widgets::LayerTableModel;

namespace {

LayerStats layer(const char* name, std::int64_t numel, std::int64_t kept)
{
    LayerStats stats;
    stats.name = name;
    stats.shape = {numel};
    stats.numel = numel;
    stats.kept = kept;
    return stats;
}

std::vector<LayerStats> layers()
{
    return {layer("fc1.weight", 235200, 23520), layer("fc2.weight", 30000, 3000), layer("fc3.weight", 1000, 100)};
}

/// Exposes the delegate's option set-up, to find where the style draws a check box.
struct OptionProbe : QStyledItemDelegate {
    using QStyledItemDelegate::initStyleOption;
};

QModelIndex viewIndex(const LayerTable& table, int row, int column)
{
    return table.proxy()->mapFromSource(table.model()->index(row, column));
}

QPoint checkBoxCenter(const LayerTable& table, int row)
{
    QTableView* view = table.view();
    const QModelIndex index = viewIndex(table, row, LayerTableModel::LockColumn);
    QStyleOptionViewItem option;
    option.initFrom(view);
    option.rect = view->visualRect(index);
    option.widget = view;
    OptionProbe().initStyleOption(&option, index);
    return view->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, view).center();
}

QLineEdit* openFloorEditor(const LayerTable& table, int row)
{
    QTableView* view = table.view();
    const QPoint center = view->visualRect(viewIndex(table, row, LayerTableModel::FloorColumn)).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, center);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, center);
    return view->viewport()->findChild<QLineEdit*>();
}

} // namespace

class TestLayerTable : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void clickingTheLockEmitsLockToggled();
    void typingAFloorEmitsFloorEdited();
    void readOnlyAfterSetEditableFalse();

private:
    std::unique_ptr<LayerTable> m_table;
};

void TestLayerTable::init()
{
    m_table = std::make_unique<LayerTable>();
    m_table->resize(900, 300);
    m_table->setLayers(layers());
    m_table->setEditable(true);
    m_table->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_table.get()));
}

void TestLayerTable::clickingTheLockEmitsLockToggled()
{
    QSignalSpy spy(m_table.get(), &LayerTable::lockToggled);
    QTest::mouseClick(m_table->view()->viewport(), Qt::LeftButton, {}, checkBoxCenter(*m_table, 1));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("fc2.weight"));
    QCOMPARE(spy.at(0).at(1).toBool(), true);
    // Unchanged until a snapshot shows the lock.
    QCOMPARE(viewIndex(*m_table, 1, LayerTableModel::LockColumn).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
}

void TestLayerTable::typingAFloorEmitsFloorEdited()
{
    QSignalSpy spy(m_table.get(), &LayerTable::floorEdited);
    QLineEdit* editor = openFloorEditor(*m_table, 2);
    QVERIFY(editor);
    QTest::keyClicks(editor, QStringLiteral("5"));
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_COMPARE(spy.count(), 1); // the delegate commits on Return through a queued call
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("fc3.weight"));
    QCOMPARE(spy.at(0).at(1).toDouble(), 0.05);
}

void TestLayerTable::readOnlyAfterSetEditableFalse()
{
    m_table->setEditable(false);
    QSignalSpy locks(m_table.get(), &LayerTable::lockToggled);
    QSignalSpy floors(m_table.get(), &LayerTable::floorEdited);
    QTest::mouseClick(m_table->view()->viewport(), Qt::LeftButton, {}, checkBoxCenter(*m_table, 1));
    QVERIFY(!openFloorEditor(*m_table, 2));
    QCOMPARE(locks.count() + floors.count(), 0);
    QCOMPARE(m_table->selectedLayer(), QStringLiteral("fc3.weight")); // the clicks still select rows
}

ESPALIER_TEST_MAIN(TestLayerTable)

} // namespace tst_layertable

#include "tst_layertable.moc"
