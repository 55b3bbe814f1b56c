#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include <QWidget>

#include "espalier/core/snapshot.h"
#include "widgets/branchpaths.h"
#include "widgets/historyfingerprint.h"

class QCheckBox;
class QCPCurve;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QResizeEvent;
class QMouseEvent;

namespace espalier::widgets {

class DenseLine;
template <class Plottable>
class BranchPlottables;

/// Accuracy against sparsity, one point per pruning round, joined in round order per branch: the
/// current branch and the history it grew from in full colour, abandoned branches muted, validation
/// accuracy when measured. "Compression axis" puts 1/(1 − s) on a logarithmic axis instead, so 90,
/// 99 and 99.9 % are evenly spaced. A baseline from a report (dashed) and the dense network's
/// accuracy (dotted) are drawn for comparison; what-if previews are hollow diamonds. Hover a point for its round; right-click exports
/// image or CSV. Lives in: GUI thread.
class SparsityCurveChart : public QWidget {
    Q_OBJECT
public:
    enum class Series { TestAccuracy, ValidationAccuracy };

    explicit SparsityCurveChart(QWidget* parent = nullptr);
    ~SparsityCurveChart() override;

    /// Rounds, branch (and the epochs and annotations that tell where branches forked). Cheap when
    /// nothing was recorded since the last call.
    void setSnapshot(const core::Snapshot& snapshot);
    /// An overlaid curve, e.g. another method's run from a report; sparsity and accuracy are fractions.
    void setBaseline(const QString& label, const std::vector<double>& sparsity, const std::vector<double>& accuracy);
    void clearBaseline();
    /// The dense network's test accuracy (a fraction) as a dotted line; nullopt hides it.
    void setDenseAccuracy(std::optional<double> accuracy);

    void setCompressionAxis(bool on);
    [[nodiscard]] bool compressionAxis() const;
    /// Where `sparsity` (a fraction) lies on the x axis: percent, or the compression 1/(1 − s).
    [[nodiscard]] double axisKey(double sparsity) const;

    /// One row per round in record order ("session"), then the baseline's points, the previews
    /// ("preview:<method>", round = rounds finished) and the dense accuracy: series, branch, round, sparsity, compression, test_accuracy, validation_accuracy
    /// (fractions; empty where not applicable).
    [[nodiscard]] QString csv() const;

    [[nodiscard]] QCustomPlot* plot() const { return m_plot; }
    [[nodiscard]] QCPCurve* curve(Series series) const;
    /// An abandoned branch's curve (nullptr if it has none), or the current one for the current branch.
    [[nodiscard]] QCPCurve* curve(Series series, int branch) const;
    [[nodiscard]] QCPCurve* historyCurve(Series series) const;
    [[nodiscard]] QCPCurve* baselineCurve() const { return m_baseline; }
    /// What-if previews (Snapshot::previewPoints): hollow diamonds, no line, never joined to the rounds.
    [[nodiscard]] QCPCurve* previewCurve() const { return m_previews; }
    [[nodiscard]] QCPItemStraightLine* denseLine() const;
    [[nodiscard]] QCPItemText* denseLabel() const;
    /// The text shown when hovering `pixel`: the nearest round within a few pixels, or empty.
    [[nodiscard]] QString toolTipAt(const QPointF& pixel) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void rebuild();
    void updateAxes();
    void updateLegend();
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot;
    QCheckBox* m_compressionCheck;
    std::array<std::unique_ptr<BranchPlottables<QCPCurve>>, 2> m_series;
    QCPCurve* m_baseline;
    QCPCurve* m_previews;
    std::vector<core::PreviewPoint> m_previewPoints;
    std::unique_ptr<DenseLine> m_dense;
    QCPItemText* m_emptyText;
    std::optional<HistoryFingerprint> m_fingerprint;
    std::vector<core::RoundRecord> m_rounds;
    BranchSplit m_split; // of m_rounds
    int m_branch = 0;
    QString m_baselineLabel;
    std::vector<double> m_baselineSparsity;
    std::vector<double> m_baselineAccuracy;
    std::optional<double> m_denseAccuracy;
};

} // namespace espalier::widgets
