#pragma once

#include <vector>

#include <QWidget>

#include "espalier/core/snapshot.h"

class QCPAbstractItem;
class QCPGraph;
class QCPItemText;
class QCustomPlot;

namespace espalier::widgets {

/// Test accuracy (left axis) and train loss (right axis) per finished epoch. The x axis counts
/// epochs across phases (pretraining, rounds, fine-tuning); a dotted vertical line marks where
/// each round's pruning happened. Right-click exports image or CSV. Lives in: GUI thread.
class CurveChart : public QWidget {
    Q_OBJECT
public:
    /// Where round(s) pruned: between epoch x − 0.5 and x + 0.5, labelled e.g. "R1" or "R2–R4".
    struct Marker {
        double x = 0.0;
        QString label;
        bool operator==(const Marker&) const = default;
    };

    explicit CurveChart(QWidget* parent = nullptr);

    /// `currentRound` is Snapshot::round: a round that pruned (or is scoring) before it has a record.
    void setHistory(const std::vector<core::EpochRecord>& epochs, const std::vector<core::RoundRecord>& rounds,
                    int currentRound = 0);

    /// Marker positions for a history; rounds that pruned without training in between share one.
    static std::vector<Marker> roundMarkers(const std::vector<core::EpochRecord>& epochs,
                                            const std::vector<core::RoundRecord>& rounds, int currentRound = 0);

    /// One row per epoch in plot order: x, then every EpochRecord field (accuracies as fractions).
    [[nodiscard]] QString csv() const;

    [[nodiscard]] QCustomPlot* plot() const { return m_plot; }
    [[nodiscard]] QCPGraph* accuracyGraph() const { return m_accuracy; }
    [[nodiscard]] QCPGraph* lossGraph() const { return m_loss; }
    [[nodiscard]] const std::vector<Marker>& markers() const { return m_markers; }

private:
    void setMarkers(const std::vector<Marker>& markers);

    QCustomPlot* m_plot;
    QCPGraph* m_accuracy;
    QCPGraph* m_loss;
    QCPItemText* m_emptyText;
    std::vector<core::EpochRecord> m_epochs;
    std::vector<Marker> m_markers;
    std::vector<QCPAbstractItem*> m_markerItems;
};

} // namespace espalier::widgets
