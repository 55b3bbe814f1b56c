#pragma once

#include <vector>

#include <QWidget>

#include "espalier/core/snapshot.h"

class QSortFilterProxyModel;
class QTableView;

namespace espalier::widgets {

class LayerTableModel;

/// Sortable table of the prunable tensors with density bars, lock check boxes and editable floors
/// (after setEditable(true)). Lives in: GUI thread.
class LayerTable : public QWidget {
    Q_OBJECT
public:

    explicit LayerTable(QWidget* parent = nullptr);

    void setLayers(const std::vector<core::LayerStats>& layers);
    /// Selects the row of `name` (no-op for an unknown name) without emitting layerSelected.
    void selectLayer(const QString& name);
    [[nodiscard]] QString selectedLayer() const;
    /// Lets the user toggle locks and edit floors (a session exists and has not ended).
    void setEditable(bool editable);

    [[nodiscard]] QTableView* view() const { return m_view; }
    [[nodiscard]] LayerTableModel* model() const { return m_model; }
    [[nodiscard]] QSortFilterProxyModel* proxy() const { return m_proxy; }

Q_SIGNALS:
    /// The user selected a layer (its parameter name, e.g. "fc1.weight").
    void layerSelected(const QString& name);
    /// The user ticked or unticked the lock of `name` (the table changes with the next snapshot).
    void lockToggled(const QString& name, bool locked);
    /// The user typed a floor for `name`: a density as a fraction, 0 = no floor.
    void floorEdited(const QString& name, double density);

private:
    void onCurrentChanged();

    LayerTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    bool m_selecting = false; // selectLayer() is programmatic, not the user's choice
};

} // namespace espalier::widgets
