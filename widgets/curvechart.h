#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include <QWidget>

#include "espalier/core/snapshot.h"
#include "widgets/historyfingerprint.h"
#include "widgets/roundmarkers.h"

class QCheckBox;
class QCPAbstractItem;
class QCPGraph;
class QCPItemText;
class QCustomPlot;
class QResizeEvent;

namespace espalier::widgets {

class ChartAnnotations;
template <class Plottable>
class BranchPlottables;

/// Test accuracy (left axis), train loss (right axis) and, when measured, validation accuracy per
/// finished epoch, at the epoch's position along its branch. The current branch and the history it
/// grew from are drawn in full colour, abandoned branches muted. Dotted red lines mark where rounds
/// pruned; dashed lines mark steering changes and rollbacks (hover for the full text). "Smooth"
/// adds a moving average of the loss. Right-click exports image or CSV. Lives in: GUI thread.
class CurveChart : public QWidget {
    Q_OBJECT
public:
    using Marker = RoundMarker;
    enum class Series { TestAccuracy, ValidationAccuracy, TrainLoss, SmoothedLoss };
    /// Weight of the previous average in the smoothed loss.
    static constexpr double kSmoothing = 0.6;

    explicit CurveChart(QWidget* parent = nullptr);
    ~CurveChart() override;

    /// Epochs, rounds, annotations, round and branch of `snapshot`. Cheap when nothing was recorded
    /// since the last call (the window calls this at 30 Hz during a run).
    void setSnapshot(const core::Snapshot& snapshot);
    /// A history without annotations; the current branch is the highest one in `epochs`.
    void setHistory(const std::vector<core::EpochRecord>& epochs, const std::vector<core::RoundRecord>& rounds,
                    int currentRound = 0);

    /// Marker positions for one line of history (see roundMarkers()).
    static std::vector<Marker> roundMarkers(const std::vector<core::EpochRecord>& epochs,
                                            const std::vector<core::RoundRecord>& rounds, int currentRound = 0)
    {
        return widgets::roundMarkers(epochs, rounds, currentRound);
    }

    void setSmoothing(bool on);
    [[nodiscard]] bool smoothing() const;

    /// One row per epoch in record order: x (position), then every EpochRecord field (accuracies as
    /// fractions), then branch.
    [[nodiscard]] QString csv() const;

    [[nodiscard]] QCustomPlot* plot() const { return m_plot; }
    /// The current branch's graph of `series`.
    [[nodiscard]] QCPGraph* graph(Series series) const;
    /// The graph of an abandoned branch (nullptr if it has none), or the current one for the current branch.
    [[nodiscard]] QCPGraph* graph(Series series, int branch) const;
    /// The records the current branch grew from, joined to its first point.
    [[nodiscard]] QCPGraph* historyGraph(Series series) const;
    [[nodiscard]] QCPGraph* accuracyGraph() const { return graph(Series::TestAccuracy); }
    [[nodiscard]] QCPGraph* lossGraph() const { return graph(Series::TrainLoss); }
    [[nodiscard]] const std::vector<Marker>& markers() const { return m_markers; }
    [[nodiscard]] const ChartAnnotations* annotations() const { return m_annotations; }
    [[nodiscard]] int currentBranch() const { return m_branch; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void setRecords(const std::vector<core::EpochRecord>& epochs, const std::vector<core::RoundRecord>& rounds,
                    const std::vector<core::Annotation>& annotations, int branch, int currentRound);
    void rebuild();
    void updateLegend();
    void setMarkers(const std::vector<Marker>& markers);

    QCustomPlot* m_plot;
    QCheckBox* m_smoothCheck;
    std::array<std::unique_ptr<BranchPlottables<QCPGraph>>, 4> m_series;
    ChartAnnotations* m_annotations;
    QCPItemText* m_emptyText;
    std::optional<HistoryFingerprint> m_fingerprint; // of the records drawn
    std::vector<core::EpochRecord> m_epochs;
    std::vector<core::RoundRecord> m_rounds;
    std::vector<core::Annotation> m_annotationRecords;
    int m_branch = 0;
    int m_round = 0;
    std::vector<Marker> m_markers;
    std::vector<QCPAbstractItem*> m_markerItems;
};

} // namespace espalier::widgets
