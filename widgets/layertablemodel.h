#pragma once

#include <vector>

#include <QAbstractTableModel>

#include "espalier/core/snapshot.h"

namespace espalier::widgets {

/// How a layer is doing, derived from its counts and the user's floor.
enum class LayerStatus { Ok, NearFloor, Collapsed };

/// Status of one layer: collapsed when every weight is pruned, near floor when its density is
/// within kNearFloorMargin (relative) of a floor the user set.
LayerStatus layerStatus(const core::LayerStats& layer);

/// Table over the prunable tensors of a snapshot, one row per tensor in network order.
/// Display text is formatted; SortRole gives raw numbers so a QSortFilterProxyModel sorts by value.
/// Lives in: GUI thread.
class LayerTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, ShapeColumn, ParametersColumn, KeptColumn, DensityColumn, StatusColumn,
                  ColumnCount };
    enum Role {
        SortRole = Qt::UserRole,     ///< raw value: QString, qlonglong or double (density as fraction)
        StatusRole,                  ///< int(LayerStatus), any column
        DensityRole,                 ///< density as a fraction, any column
    };
    static constexpr double kNearFloorMargin = 0.10;

    explicit LayerTableModel(QObject* parent = nullptr);

    /// Replaces the layers. When names and shapes are unchanged only the rows whose counts changed
    /// are announced with dataChanged (selection and scroll position survive); otherwise the model
    /// is reset.
    void setLayers(const std::vector<core::LayerStats>& layers);
    [[nodiscard]] const std::vector<core::LayerStats>& layers() const { return m_layers; }
    /// Row of the layer called `name`, or -1.
    [[nodiscard]] int rowOf(const QString& name) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant displayData(const core::LayerStats& layer, int column) const;
    QVariant sortData(const core::LayerStats& layer, int column) const;

    std::vector<core::LayerStats> m_layers;
};

} // namespace espalier::widgets
