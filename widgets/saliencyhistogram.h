#pragma once

#include <optional>

#include <QWidget>

#include "espalier/core/snapshot.h"

class QCheckBox;
class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace espalier::widgets {

/// One layer's saliency histogram (log10 |score| of its last scoring pass) as stacked bars, kept
/// in the density blue on top of pruned in grey, with the current threshold as a solid line and an
/// optional "next round" threshold as a dashed one. The y axis is logarithmic by default, because
/// pruned counts dwarf kept ones beyond 90 % sparsity. Children: histogramPlot, histogramTitle,
/// logScaleCheck, zeroScoresNote. Right-click exports image or CSV. Lives in: GUI thread.
class SaliencyHistogramChart : public QWidget {
    Q_OBJECT
public:
    explicit SaliencyHistogramChart(QWidget* parent = nullptr);

    /// Shows `layer.histogram`. A different layer name drops the preview line: it belonged to the
    /// previous layer.
    void setLayer(const core::LayerStats& layer);
    /// Back to the empty state: no layer, no histogram, no preview.
    void clear();
    /// The threshold the next round would apply (log10 |score|), as a dashed line; std::nullopt
    /// or NaN removes it.
    void setPreviewThreshold(std::optional<double> log10Score);
    void setLogScale(bool on);

    [[nodiscard]] bool logScale() const { return m_logScale; }
    [[nodiscard]] QString layerName() const { return m_layerName; }
    [[nodiscard]] const core::SaliencyHistogram& histogram() const { return m_histogram; }
    [[nodiscard]] std::optional<double> previewThreshold() const { return m_preview; }
    /// One row per bin: layer, log10_low, log10_high, kept, pruned.
    [[nodiscard]] QString csv() const;

    [[nodiscard]] QCustomPlot* plot() const { return m_plot; }
    [[nodiscard]] QCPBars* keptBars() const { return m_keptBars; }
    [[nodiscard]] QCPBars* prunedBars() const { return m_prunedBars; }
    [[nodiscard]] QCPItemStraightLine* thresholdLine() const { return m_thresholdLine; }
    [[nodiscard]] QCPItemStraightLine* previewLine() const { return m_previewLine; }

private:
    void showHistogram();
    void updateRanges();
    void placeLine(QCPItemStraightLine* line, QCPItemText* label, double x, bool visible);
    void placeLabels();
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot;
    QLabel* m_title;
    QCheckBox* m_logCheck;
    QLabel* m_zeroNote;
    QCPBars* m_keptBars;
    QCPBars* m_prunedBars;
    QCPItemStraightLine* m_thresholdLine;
    QCPItemText* m_thresholdLabel;
    QCPItemStraightLine* m_previewLine;
    QCPItemText* m_previewLabel;
    QCPItemText* m_emptyText;
    QString m_layerName;
    core::SaliencyHistogram m_histogram;
    std::optional<double> m_preview;
    bool m_logScale = true;
};

} // namespace espalier::widgets
