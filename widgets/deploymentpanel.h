#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QWidget>

#include "espalier/core/bench.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace espalier::widgets {

/// What the pruning buys if the model is deployed as it is now: stored size (dense against
/// checkpoint.h5's bitmask layout), non-zero multiply–accumulates, and the measured latency of dense
/// LibTorch against sparse execution at the chosen batch sizes, with the gain of each. "Measure"
/// asks the session (running, paused or finished) to measure a copy of its model. Widgets:
/// deploymentBatchesEdit, measureDeploymentButton, deploymentStatusLabel, deploymentTable.
/// Lives in: GUI thread.
class DeploymentPanel : public QWidget {
    Q_OBJECT
public:
    explicit DeploymentPanel(QWidget* parent = nullptr);

    /// The session's latest measurement, and how far the session is now (to say when it is stale).
    void setState(const core::DeploymentState& state, int currentRound, double currentSparsity);
    /// Measuring needs a session that has loaded.
    void setAvailable(bool available);
    /// The batch sizes typed, nullopt (and the field marked) when unreadable.
    [[nodiscard]] std::optional<std::vector<std::int64_t>> batches() const;
    [[nodiscard]] QTableWidget* table() const { return m_table; }

Q_SIGNALS:
    void measureRequested(const std::vector<std::int64_t>& batches);

private:
    void requestMeasurement();
    void fillTable(const core::BenchRow& row);
    void updateButton();

    QLineEdit* m_batches;
    QPushButton* m_measure;
    QLabel* m_status;
    QTableWidget* m_table;
    bool m_available = false;
    bool m_running = false;
};

} // namespace espalier::widgets
