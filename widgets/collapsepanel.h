#pragma once

#include <cstddef>
#include <string>

#include <QWidget>

#include "espalier/core/snapshot.h"

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace espalier::widgets {

/// Layer collapse at a glance: nominal and effective sparsity, and the collapse warnings of the
/// session (round, layer or "whole network", policy, action), newest first, with the action in
/// colour and the core's message as the tooltip. Double-clicking a warning about a layer emits
/// warningActivated. Widgets: summaryLabel, warningList, emptyLabel. Lives in: GUI thread.
class CollapsePanel : public QWidget {
    Q_OBJECT
public:
    enum Column { RoundColumn, LayerColumn, PolicyColumn, ActionColumn, ColumnCount };
    /// Item data role (on every column) holding the warning's layer name ("" for the whole network).
    static constexpr int LayerRole = Qt::UserRole;

    explicit CollapsePanel(QWidget* parent = nullptr);

    /// Cheap when the warnings did not change (at 30 Hz the list is left alone); new warnings are
    /// inserted at the top without disturbing the selection.
    void setSnapshot(const core::Snapshot& snapshot);
    /// Back to the empty state, for a new session.
    void clear();
    [[nodiscard]] int warningCount() const { return int(m_count); }
    [[nodiscard]] QTreeWidget* list() const { return m_list; }

Q_SIGNALS:
    /// The user double-clicked a warning about `layer` (a parameter name, e.g. "fc3.weight").
    void warningActivated(const QString& layer);

private:
    void insertWarning(const core::CollapseWarning& warning);
    void updateEmptyState();

    QLabel* m_summary;
    QTreeWidget* m_list;
    QLabel* m_empty;
    std::size_t m_count = 0;
    std::string m_lastKey; // identifies the newest warning shown, to notice a different session
    double m_nominal = -1.0;
    double m_effective = -1.0;
};

} // namespace espalier::widgets
