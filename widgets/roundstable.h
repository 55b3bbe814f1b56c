#pragma once

#include <vector>

#include <QTreeWidget>

#include "espalier/core/snapshot.h"

namespace espalier::widgets {

/// The pruning rounds as a read-only table: round, target, sparsity, effective sparsity, test
/// accuracy (final epoch, and the best epoch next to it), test loss, collapsed layers and seconds.
/// Lives in: GUI thread.
class RoundsTable : public QTreeWidget {
    Q_OBJECT
public:
    enum Column {
        RoundColumn,
        TargetColumn,
        SparsityColumn,
        EffectiveColumn,
        AccuracyColumn,
        BestAccuracyColumn,
        LossColumn,
        CollapsedColumn,
        SecondsColumn,
        ColumnCount
    };

    explicit RoundsTable(QWidget* parent = nullptr);

    void setRounds(const std::vector<core::RoundRecord>& rounds);
};

} // namespace espalier::widgets
