#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include "widgets/format.h"
#include "widgets/layertablemodel.h"

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
    void status_data();
    void status();
    void countChangesEmitDataChangedOnly();
    void unchangedLayersEmitNothing();
    void newLayerListResets();
    void proxySortsByValueNotText();
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
    QCOMPARE(bottomRight.column(), int(LayerTableModel::StatusColumn));
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

QTEST_MAIN(TestLayerTableModel)
#include "tst_layertablemodel.moc"
