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
/// The lock (a check box) and the floor (a density in %) are editable after setEditable(true); an
/// edit does not change the rows (the core owns them) but emits lockToggled/floorEdited, and the
/// next snapshot shows the result. Lives in: GUI thread.
class LayerTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, LockColumn, ShapeColumn, ParametersColumn, KeptColumn, DensityColumn, ChannelsColumn,
                  FloorColumn, StatusColumn, ColumnCount };
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
    /// Lets the user toggle locks and edit floors (when a session exists and has not ended).
    void setEditable(bool editable);
    [[nodiscard]] bool isEditable() const { return m_editable; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    /// LockColumn with Qt::CheckStateRole emits lockToggled; FloorColumn with Qt::EditRole takes a
    /// percentage ("5", "5 %", "0.5"; empty = no floor) and emits floorEdited as a fraction. Returns
    /// false for anything else, text that is no percentage in [0, 100], or when not editable.
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

Q_SIGNALS:
    /// The user asked to lock (freeze the mask of) or unlock the layer `name`.
    void lockToggled(const QString& name, bool locked);
    /// The user asked for a minimum density of `density` (a fraction; 0 removes the floor).
    void floorEdited(const QString& name, double density);

private:
    QVariant displayData(const core::LayerStats& layer, int column) const;
    QVariant sortData(const core::LayerStats& layer, int column) const;

    std::vector<core::LayerStats> m_layers;
    bool m_editable = false;
};

} // namespace espalier::widgets
