#pragma once

#include <vector>

#include <QHash>
#include <QTreeWidget>

#include "espalier/core/sweep.h"

namespace espalier::widgets {

/// The cells of a sweep as a read-only table in sweep order: method, target sparsity, seed,
/// status, final and best test accuracy, achieved sparsity and seconds. A failed cell is red and
/// says why on hover; the running one is bold. Rows are updated in place, so a live sweep keeps
/// the selection and scroll position. Lives in: GUI thread.
class SweepCellTable : public QTreeWidget {
    Q_OBJECT
public:
    enum Column {
        MethodColumn,
        SparsityColumn,
        SeedColumn,
        StatusColumn,
        FinalColumn,
        BestColumn,
        AchievedColumn,
        SecondsColumn,
        ColumnCount
    };

    explicit SweepCellTable(QWidget* parent = nullptr);

    void setCells(const std::vector<core::SweepCellResult>& cells);
    /// The row of the cell named `name` (its folder under cells/), or nullptr.
    [[nodiscard]] QTreeWidgetItem* row(const QString& name) const { return m_rows.value(name); }

    /// "Pending", "Running", "Done", "Failed".
    static QString statusText(core::CellStatus status);

private:
    void fill(QTreeWidgetItem* item, const core::SweepCellResult& cell) const;

    QHash<QString, QTreeWidgetItem*> m_rows; // by cell name
};

} // namespace espalier::widgets
