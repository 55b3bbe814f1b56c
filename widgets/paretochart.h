#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <QWidget>

#include "espalier/core/sweep.h"

class QCheckBox;
class QCPErrorBars;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QMouseEvent;
class QResizeEvent;
class QToolButton;

namespace espalier::widgets {

class DenseLine;

/// The Pareto chart of a sweep: test accuracy against sparsity, one curve per method (mean over
/// seeds at each target, with the sample standard deviation as error bars) and the dense baseline
/// as a dashed line. Points sit at the sparsity the cells achieved. "Compression axis" puts
/// 1/(1 − s) on a log axis; "Best epoch" shows the best epoch's accuracy instead of the final one.
/// Drag and wheel zoom; new results keep a zoomed view, Fit (or a double click) returns to the
/// whole sweep. Hover a point for its numbers; right-click exports image or CSV.
/// Lives in: GUI thread.
class ParetoChart : public QWidget {
    Q_OBJECT
public:
    enum class Accuracy { Final, Best };

    explicit ParetoChart(QWidget* parent = nullptr);
    ~ParetoChart() override;

    /// Draws the points and the dense baseline of `results`; cheap enough to call after every cell.
    void setResults(const core::SweepResults& results);

    void setCompressionAxis(bool on);
    [[nodiscard]] bool compressionAxis() const;
    void setAccuracy(Accuracy accuracy);
    [[nodiscard]] Accuracy accuracy() const;
    /// Back to the range of the whole sweep after the user zoomed or dragged.
    void fitToData();
    [[nodiscard]] bool isZoomed() const { return m_zoomed; }

    /// Where `sparsity` (a fraction) lies on the x axis: percent, or the compression 1/(1 − s).
    [[nodiscard]] double axisKey(double sparsity) const;
    /// One row per point: method, target and achieved sparsity, compression, runs, final and best
    /// accuracy with their spreads (fractions), mean seconds; then the dense baseline.
    [[nodiscard]] QString csv() const;

    [[nodiscard]] QCustomPlot* plot() const { return m_plot; }
    /// The curve and error bars of `method` (nullptr for a method the results do not have).
    [[nodiscard]] QCPGraph* graph(const std::string& method) const;
    [[nodiscard]] QCPErrorBars* errorBars(const std::string& method) const;
    [[nodiscard]] QCPItemStraightLine* denseLine() const;
    [[nodiscard]] QCPItemText* denseLabel() const;
    /// The text shown when hovering `pixel`: the nearest point within a few pixels, or empty.
    [[nodiscard]] QString toolTipAt(const QPointF& pixel) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Curve {
        QCPGraph* graph;
        QCPErrorBars* bars;
        std::vector<const core::SweepPoint*> points; // into m_results, in key order
    };

    void rebuild();
    void syncCurves();
    void updateAxes();
    void updateLegend();
    [[nodiscard]] double pointKey(const core::SweepPoint& point) const;
    [[nodiscard]] double pointValue(const core::SweepPoint& point) const;
    [[nodiscard]] double pointSpread(const core::SweepPoint& point) const;
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot;
    QCheckBox* m_compressionCheck;
    QCheckBox* m_bestCheck;
    QToolButton* m_fitButton;
    std::unique_ptr<DenseLine> m_dense;
    QCPItemText* m_emptyText;
    core::SweepResults m_results;
    std::map<std::string, Curve> m_curves;
    bool m_zoomed = false; // the user moved the view: new results leave the ranges alone
};

} // namespace espalier::widgets
