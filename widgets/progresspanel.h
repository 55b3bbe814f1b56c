#pragma once

#include <optional>

#include <QWidget>

#include "espalier/core/snapshot.h"

class QLabel;
class QProgressBar;

namespace espalier::widgets {

/// Two-line status of a running session: state, phase, round r/R, epoch e/E, batch b/B with a
/// progress bar, current sparsity (Snapshot::sparsity, two decimals), weights kept and the last
/// test accuracy. Labels are named stateLabel, phaseLabel, roundLabel, epochLabel, batchLabel,
/// sparsityLabel, keptLabel, accuracyLabel, speedLabel, etaLabel; the bar is batchProgress.
/// Lives in: GUI thread.
class ProgressPanel : public QWidget {
    Q_OBJECT
public:
    explicit ProgressPanel(QWidget* parent = nullptr);

    void setSnapshot(const core::Snapshot& snapshot);
    /// Shows `state` without a snapshot (e.g. "Failed" when the session never started).
    void setState(core::SessionState state);
    /// Back to dashes, for a newly loaded recipe.
    void clear();

    /// Seconds left in the current training phase, from the last finished epoch of that phase
    /// (nothing before one has finished). For ESPN's mask discovery it is an upper bound: the
    /// phase may end before its epoch cap.
    static std::optional<double> phaseSecondsLeft(const core::Snapshot& snapshot);

private:
    QLabel* m_state;
    QLabel* m_phase;
    QLabel* m_round;
    QLabel* m_epoch;
    QLabel* m_batch;
    QProgressBar* m_batchProgress;
    QLabel* m_sparsity;
    QLabel* m_kept;
    QLabel* m_accuracy;
    QLabel* m_speed;
    QLabel* m_eta;
};

} // namespace espalier::widgets
