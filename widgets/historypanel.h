#pragma once

#include <cstddef>
#include <vector>

#include <QWidget>

#include "espalier/core/snapshot.h"

class QLabel;
class QPushButton;
class QTreeWidget;

namespace espalier::widgets {

/// The rollback history: one row per round whose state the session keeps (Snapshot::rollbackRounds,
/// 0 = after pretraining, dense) with that round's sparsity and test accuracy as the current branch
/// sees it, and "branch N" after rollbacks. "Roll back to this round" (or a double-click) asks to go
/// back to the end of the selected round while the session runs or is paused.
/// Widgets: branchLabel, historyList, rollbackButton. Lives in: GUI thread.
class HistoryPanel : public QWidget {
    Q_OBJECT
public:
    enum Column { RoundColumn, SparsityColumn, AccuracyColumn, ColumnCount };
    /// Item data role (column 0) holding the round number.
    static constexpr int RoundRole = Qt::UserRole;

    explicit HistoryPanel(QWidget* parent = nullptr);

    /// Rebuilds the rows only when the kept rounds, the branch or the records changed; takes the
    /// session state from the snapshot.
    void setSnapshot(const core::Snapshot& snapshot);
    /// The session state, when it is known before a snapshot shows it (e.g. just paused).
    void setState(core::SessionState state);
    /// Back to no rows, for a new session.
    void clear();
    /// The round of the selected row, or -1.
    [[nodiscard]] int selectedRound() const;
    [[nodiscard]] QTreeWidget* list() const { return m_list; }

Q_SIGNALS:
    /// Go back to the end of `round` (0 = after pretraining).
    void rollbackRequested(int round);

private:
    void rebuild(const core::Snapshot& snapshot);
    void requestRollback();
    void updateButton();

    QLabel* m_branch;
    QTreeWidget* m_list;
    QPushButton* m_rollback;
    core::SessionState m_state = core::SessionState::Idle;
    // What the rows were built from; equal on most of the 30 Hz calls.
    std::vector<int> m_rounds;
    int m_branchNumber = -1;
    std::size_t m_records = 0;
    std::size_t m_epochs = 0;
};

} // namespace espalier::widgets
