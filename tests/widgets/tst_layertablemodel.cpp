#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include "testregistry.h"
#include "widgets/format.h"
#include "widgets/layertablemodel.h"

namespace tst_layertablemodel {

using espalier::core::LayerStats;
using espalier::widgets::LayerStatus;
using espalier::widgets::LayerTableModel;

namespace {

LayerStats layer(const char* name, std::vector<std::int64_t> shape, std::int64_t kept, double floor = 0.0)
{
    LayerStats stats;
    stats.name = name;
    stats.numel = 1;
    for (const std::int64_t dim : shape)
        stats.numel *= dim;
    stats.shape = std::move(shape);
    stats.kept = kept;
    stats.floor = floor;
    stats.collapsed = kept == 0;
    return stats;
}

/// LeNet-300-100 at roughly 90 % sparsity.
std::vector<LayerStats> lenet300()
{
    return {layer("fc1.weight", {300, 784}, 23520), layer("fc2.weight", {100, 300}, 3000),
            layer("fc3.weight", {10, 100}, 100)};
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role).toString();
}

} // namespace

class TestLayerTableModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsOneRowPerLayer();
    void formatsCells();
    void channelsColumn();
    void status_data();
    void status();
    void countChangesEmitDataChangedOnly();
    void unchangedLayersEmitNothing();
    void newLayerListResets();
    void proxySortsByValueNotText();
    void lockAndFloorColumns();
    void readOnlyUnlessEditable();
    void editsEmitRequestsWithoutChangingRows();
    void floorText_data();
    void floorText();
    void setEditableRepaintsEditableColumns();
};

void TestLayerTableModel::showsOneRowPerLayer()
{
    LayerTableModel model;
    QCOMPARE(model.rowCount(), 0);
    model.setLayers(lenet300());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(LayerTableModel::ColumnCount));
    QCOMPARE(model.rowOf(QStringLiteral("fc2.weight")), 1);
    QCOMPARE(model.rowOf(QStringLiteral("nope")), -1);
    QCOMPARE(model.headerData(LayerTableModel::DensityColumn, Qt::Horizontal).toString(), QStringLiteral("Density"));
}

void TestLayerTableModel::formatsCells()
{
    LayerTableModel model;
    model.setLayers(lenet300());
    QCOMPARE(cell(model, 0, LayerTableModel::NameColumn), QStringLiteral("fc1.weight"));
    QCOMPARE(cell(model, 0, LayerTableModel::ShapeColumn), QStringLiteral("300×784"));
    QCOMPARE(cell(model, 0, LayerTableModel::ParametersColumn), espalier::widgets::formatCount(235200));
    QCOMPARE(cell(model, 0, LayerTableModel::KeptColumn), espalier::widgets::formatCount(23520));
    QCOMPARE(cell(model, 0, LayerTableModel::DensityColumn), QStringLiteral("10.00 %"));
    QCOMPARE(cell(model, 0, LayerTableModel::StatusColumn), QStringLiteral("ok"));
    const QModelIndex density = model.index(0, LayerTableModel::DensityColumn);
    QCOMPARE(density.data(LayerTableModel::SortRole).toDouble(), 0.1);
    QCOMPARE(density.data(LayerTableModel::DensityRole).toDouble(), 0.1);
    QCOMPARE(model.index(0, LayerTableModel::ParametersColumn).data(LayerTableModel::SortRole).toLongLong(), 235200);
}

void TestLayerTableModel::channelsColumn()
{
    auto layers = lenet300();
    layers[0].channels = 300;
    layers[0].keptChannels = 150;
    layers[1].channels = 0; // a tensor of one dimension has no channels
    LayerTableModel model;
    model.setLayers(layers);
    QCOMPARE(cell(model, 0, LayerTableModel::ChannelsColumn), QStringLiteral("150 / 300"));
    QCOMPARE(cell(model, 1, LayerTableModel::ChannelsColumn), QStringLiteral("–"));
    QCOMPARE(model.index(0, LayerTableModel::ChannelsColumn).data(LayerTableModel::SortRole).toDouble(), 0.5);
    QVERIFY(model.index(0, LayerTableModel::ChannelsColumn).data(Qt::ToolTipRole).toString().contains("150 of 300"));

    // A cut that only removes channels (same weight count) still repaints the row.
    QSignalSpy changed(&model, &LayerTableModel::dataChanged);
    layers[0].keptChannels = 100;
    model.setLayers(layers);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(cell(model, 0, LayerTableModel::ChannelsColumn), QStringLiteral("100 / 300"));
}

void TestLayerTableModel::status_data()
{
    QTest::addColumn<qint64>("kept");
    QTest::addColumn<double>("floor");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("text");
    // 1000 weights; near floor = within 10 % above the floor.
    QTest::addRow("no floor") << qint64(4) << 0.0 << int(LayerStatus::Ok) << QStringLiteral("ok");
    QTest::addRow("far above floor") << qint64(500) << 0.05 << int(LayerStatus::Ok) << QStringLiteral("ok");
    QTest::addRow("at floor") << qint64(50) << 0.05 << int(LayerStatus::NearFloor) << QStringLiteral("near floor");
    QTest::addRow("just above floor") << qint64(54) << 0.05 << int(LayerStatus::NearFloor) << QStringLiteral("near floor");
    QTest::addRow("collapsed") << qint64(0) << 0.0 << int(LayerStatus::Collapsed) << QStringLiteral("collapsed");
}

void TestLayerTableModel::status()
{
    QFETCH(qint64, kept);
    QFETCH(double, floor);
    QFETCH(int, status);
    QFETCH(QString, text);
    LayerTableModel model;
    model.setLayers({layer("conv.weight", {10, 100}, kept, floor)});
    QCOMPARE(model.index(0, 0).data(LayerTableModel::StatusRole).toInt(), status);
    QCOMPARE(cell(model, 0, LayerTableModel::StatusColumn), text);
}

void TestLayerTableModel::countChangesEmitDataChangedOnly()
{
    LayerTableModel model;
    model.setLayers(lenet300());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    auto next = lenet300();
    next[1].kept = 1500; // only fc2 prunes further
    model.setLayers(next);

    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 1);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(bottomRight.row(), 1);
    QCOMPARE(topLeft.column(), 0);
    QCOMPARE(bottomRight.column(), int(LayerTableModel::ColumnCount) - 1); // the whole row
    QCOMPARE(cell(model, 1, LayerTableModel::DensityColumn), QStringLiteral("5.00 %"));
}

void TestLayerTableModel::unchangedLayersEmitNothing()
{
    LayerTableModel model;
    model.setLayers(lenet300());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setLayers(lenet300());
    QCOMPARE(changed.count(), 0);
    QCOMPARE(reset.count(), 0);
}

void TestLayerTableModel::newLayerListResets()
{
    LayerTableModel model;
    model.setLayers(lenet300());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    model.setLayers({layer("conv1.weight", {6, 1, 5, 5}, 150)});
    QCOMPARE(reset.count(), 1);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(cell(model, 0, LayerTableModel::ShapeColumn), QStringLiteral("6×1×5×5"));

    // Same count, different shape (another model with the same names) also resets.
    model.setLayers({layer("conv1.weight", {16, 1, 5, 5}, 150)});
    QCOMPARE(reset.count(), 2);
}

void TestLayerTableModel::proxySortsByValueNotText()
{
    LayerTableModel model;
    auto layers = lenet300();
    layers[2].kept = 90; // fc3 9 %, fc1 10 %, fc2 10 %: "9.00 %" sorts after "10.00 %" as text
    model.setLayers(layers);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(LayerTableModel::SortRole);
    proxy.sort(LayerTableModel::DensityColumn, Qt::AscendingOrder);
    QCOMPARE(cell(proxy, 0, LayerTableModel::NameColumn), QStringLiteral("fc3.weight"));

    proxy.sort(LayerTableModel::ParametersColumn, Qt::DescendingOrder);
    QCOMPARE(cell(proxy, 0, LayerTableModel::NameColumn), QStringLiteral("fc1.weight"));
    QCOMPARE(cell(proxy, 2, LayerTableModel::NameColumn), QStringLiteral("fc3.weight"));
}

namespace {

std::vector<LayerStats> lockedAndFloored()
{
    auto layers = lenet300();
    layers[0].locked = true;
    layers[1].floor = 0.05;
    return layers;
}

} // namespace

void TestLayerTableModel::lockAndFloorColumns()
{
    LayerTableModel model;
    model.setLayers(lockedAndFloored());
    QCOMPARE(model.headerData(LayerTableModel::LockColumn, Qt::Horizontal).toString(), QStringLiteral("Lock"));
    QCOMPARE(model.headerData(LayerTableModel::FloorColumn, Qt::Horizontal).toString(), QStringLiteral("Floor"));
    QVERIFY(!model.headerData(LayerTableModel::FloorColumn, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    const auto lock = [&](int row) { return model.index(row, LayerTableModel::LockColumn); };
    QCOMPARE(lock(0).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    QCOMPARE(lock(1).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    QCOMPARE(lock(0).data(LayerTableModel::SortRole).toInt(), 1);
    QVERIFY(!model.index(0, LayerTableModel::NameColumn).data(Qt::CheckStateRole).isValid());
    QCOMPARE(cell(model, 1, LayerTableModel::FloorColumn), QStringLiteral("5.00 %"));
    QCOMPARE(cell(model, 0, LayerTableModel::FloorColumn), QStringLiteral("–"));
    QCOMPARE(cell(model, 1, LayerTableModel::FloorColumn, Qt::EditRole), QStringLiteral("5"));
    QCOMPARE(cell(model, 0, LayerTableModel::FloorColumn, Qt::EditRole), QString());
    QCOMPARE(model.index(1, LayerTableModel::FloorColumn).data(LayerTableModel::SortRole).toDouble(), 0.05);
    // The columns that were there before keep their meaning.
    QCOMPARE(cell(model, 1, LayerTableModel::DensityColumn), QStringLiteral("10.00 %"));
    QCOMPARE(cell(model, 1, LayerTableModel::StatusColumn), QStringLiteral("ok"));
}

void TestLayerTableModel::readOnlyUnlessEditable()
{
    LayerTableModel model;
    model.setLayers(lockedAndFloored());
    QSignalSpy locks(&model, &LayerTableModel::lockToggled);
    QSignalSpy floors(&model, &LayerTableModel::floorEdited);
    const QModelIndex lock = model.index(1, LayerTableModel::LockColumn);
    const QModelIndex floor = model.index(1, LayerTableModel::FloorColumn);
    QVERIFY(!model.isEditable());
    QVERIFY(!(model.flags(lock) & Qt::ItemIsUserCheckable));
    QVERIFY(!(model.flags(floor) & Qt::ItemIsEditable));
    QVERIFY(!model.setData(lock, Qt::Checked, Qt::CheckStateRole));
    QVERIFY(!model.setData(floor, QStringLiteral("7")));

    model.setEditable(true);
    QVERIFY(model.flags(lock) & Qt::ItemIsUserCheckable);
    QVERIFY(model.flags(floor) & Qt::ItemIsEditable);
    for (int column : {LayerTableModel::NameColumn, LayerTableModel::DensityColumn, LayerTableModel::StatusColumn})
        QVERIFY(!(model.flags(model.index(1, column)) & (Qt::ItemIsEditable | Qt::ItemIsUserCheckable)));
    QVERIFY(!model.setData(model.index(1, LayerTableModel::NameColumn), QStringLiteral("x")));

    model.setEditable(false);
    QVERIFY(!model.setData(lock, Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(locks.count() + floors.count(), 0);
}

void TestLayerTableModel::editsEmitRequestsWithoutChangingRows()
{
    LayerTableModel model;
    model.setLayers(lockedAndFloored());
    model.setEditable(true);
    QSignalSpy locks(&model, &LayerTableModel::lockToggled);
    QSignalSpy floors(&model, &LayerTableModel::floorEdited);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    QVERIFY(model.setData(model.index(1, LayerTableModel::LockColumn), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(locks.count(), 1);
    QCOMPARE(locks.at(0).at(0).toString(), QStringLiteral("fc2.weight"));
    QCOMPARE(locks.at(0).at(1).toBool(), true);
    QVERIFY(model.setData(model.index(0, LayerTableModel::LockColumn), Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(locks.at(1).at(0).toString(), QStringLiteral("fc1.weight"));
    QCOMPARE(locks.at(1).at(1).toBool(), false);

    QVERIFY(model.setData(model.index(2, LayerTableModel::FloorColumn), QStringLiteral("5")));
    QCOMPARE(floors.count(), 1);
    QCOMPARE(floors.at(0).at(0).toString(), QStringLiteral("fc3.weight"));
    QCOMPARE(floors.at(0).at(1).toDouble(), 0.05);

    // The core owns the truth: nothing changes until the next snapshot says so.
    QCOMPARE(changed.count(), 0);
    QCOMPARE(model.index(1, LayerTableModel::LockColumn).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    QCOMPARE(cell(model, 2, LayerTableModel::FloorColumn), QStringLiteral("–"));
    auto next = lockedAndFloored();
    next[1].locked = true;
    next[2].floor = 0.05;
    model.setLayers(next);
    QCOMPARE(model.index(1, LayerTableModel::LockColumn).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    QCOMPARE(cell(model, 2, LayerTableModel::FloorColumn), QStringLiteral("5.00 %"));

    // Re-sending what the layer already has (an editor closed unchanged) is no request.
    QVERIFY(model.setData(model.index(2, LayerTableModel::FloorColumn), QStringLiteral("5")));
    QVERIFY(model.setData(model.index(1, LayerTableModel::LockColumn), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(floors.count(), 1);
    QCOMPARE(locks.count(), 2);
}

void TestLayerTableModel::floorText_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<double>("density");
    QTest::addRow("percent") << QStringLiteral("5") << true << 0.05;
    QTest::addRow("with sign") << QStringLiteral(" 12.5 % ") << true << 0.125;
    QTest::addRow("fraction of a percent") << QStringLiteral("0.5") << true << 0.005;
    QTest::addRow("empty removes") << QString() << true << 0.0;
    QTest::addRow("zero removes") << QStringLiteral("0") << true << 0.0;
    QTest::addRow("all") << QStringLiteral("100") << true << 1.0;
    QTest::addRow("over 100") << QStringLiteral("150") << false << 0.0;
    QTest::addRow("negative") << QStringLiteral("-1") << false << 0.0;
    QTest::addRow("words") << QStringLiteral("five") << false << 0.0;
}

void TestLayerTableModel::floorText()
{
    QFETCH(QString, typed);
    QFETCH(bool, accepted);
    QFETCH(double, density);
    LayerTableModel model;
    auto layers = lenet300();
    layers[0].floor = 0.2; // so that "no floor" is a change
    model.setLayers(layers);
    model.setEditable(true);
    QSignalSpy floors(&model, &LayerTableModel::floorEdited);
    QCOMPARE(model.setData(model.index(0, LayerTableModel::FloorColumn), typed), accepted);
    QCOMPARE(floors.count(), accepted ? 1 : 0);
    if (accepted)
        QCOMPARE(floors.at(0).at(1).toDouble(), density);
}

void TestLayerTableModel::setEditableRepaintsEditableColumns()
{
    LayerTableModel model;
    model.setLayers(lenet300());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setEditable(true);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().column(), int(LayerTableModel::LockColumn));
    QCOMPARE(changed.at(0).at(1).value<QModelIndex>().column(), int(LayerTableModel::FloorColumn));
    model.setEditable(true);
    QCOMPARE(changed.count(), 1);
}

ESPALIER_TEST_MAIN(TestLayerTableModel)

} // namespace tst_layertablemodel

#include "tst_layertablemodel.moc"
