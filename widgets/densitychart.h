#pragma once

#include <vector>

#include <QStringList>
#include <QWidget>

#include "espalier/core/snapshot.h"

class QCheckBox;
class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QMouseEvent;

namespace espalier::widgets {

/// Density of every prunable tensor as bars in network order, with the target density as a
/// dashed line. Layers near their floor are amber; collapsed layers get a red band (their bar has
/// no height). A log-scaled y axis keeps 0.4 % densities readable. Right-click exports image or
/// CSV. Lives in: GUI thread.
class DensityChart : public QWidget {
    Q_OBJECT
public:
    explicit DensityChart(QWidget* parent = nullptr);

    /// Shows `layers`; the target line sits at density 1 − targetSparsity.
    void setLayers(const std::vector<core::LayerStats>& layers, double targetSparsity);
    /// Until the user picks a scale, it follows the target: logarithmic below kLogBelowDensity.
    void setLogScale(bool on);
    static constexpr double kLogBelowDensity = 0.05;
    [[nodiscard]] bool logScale() const { return m_logScale; }

    [[nodiscard]] int layerCount() const { return int(m_names.size()); }
    [[nodiscard]] double targetDensity() const { return m_targetDensity; }
    /// One row per layer: layer, shape, numel, kept, density (fraction), floor, status.
    [[nodiscard]] QString csv() const;
    [[nodiscard]] QCustomPlot* plot() const { return m_plot; }
    [[nodiscard]] QCPBars* densityBars() const { return m_okBars; }
    [[nodiscard]] QCPBars* nearFloorBars() const { return m_nearFloorBars; }
    [[nodiscard]] QCPBars* collapsedBars() const { return m_collapsedBars; }

Q_SIGNALS:
    /// The user clicked the bar of a layer.
    void layerClicked(const QString& name);

private:
    void updateTicks();
    void updateRange();
    void onMouseMove(QMouseEvent* event);
    [[nodiscard]] int layerAt(double pixelX) const;

    QCustomPlot* m_plot;
    QCheckBox* m_logCheck;
    QCPBars* m_okBars;
    QCPBars* m_nearFloorBars;
    QCPBars* m_collapsedBars;
    QCPItemStraightLine* m_targetLine;
    QCPItemText* m_targetLabel;
    QCPItemText* m_emptyText;
    std::vector<core::LayerStats> m_layers;
    QStringList m_names;
    double m_targetDensity = 1.0;
    bool m_logScale = false;
    bool m_userChoseScale = false;
};

} // namespace espalier::widgets
