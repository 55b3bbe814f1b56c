#pragma once

#include <cstdint>
#include <vector>

#include <qcustomplot.h>

#include <QColor>
#include <QString>

#include "espalier/core/layertensors.h"
#include "widgets/masklayout.h"
#include "widgets/maskview.h"

namespace espalier::widgets {

/// The colours the inspector agrees on with its legend.
QColor maskGapColor();       ///< the 1-cell gap between conv tiles, same as the plot background
QColor maskKeptColor();
QColor maskPrunedColor();    ///< Mask view
QColor weightPrunedColor();  ///< Weights view: distinct from a near-zero (near-white) weight
QColor changeColor(ChangeValue change);

/// The values of one view on the (possibly max-pooled) grid, and how to colour them. NaN = gap.
struct MaskRaster {
    int width = 0;  ///< cells after pooling
    int height = 0;
    int factor = 1; ///< factor × factor grid cells per raster cell; 1 = one cell per element
    std::vector<double> cells; ///< row-major, height × width
    QCPRange range;            ///< data range of the colour map
    QCPColorGradient gradient;
    /// Weights and Scores get a colour scale; the Weights one leaves out the pruned level.
    bool hasScale = false;
    QCPRange scaleRange;
    QCPColorGradient scaleGradient;
    QString scaleLabel;
    double prunedWeight = 0.0; ///< Weights view: the value a pruned cell gets (below the scale)
};

/// Smallest pooling factor that fits `layout` into `cellBudget` cells.
int poolingFactor(const MaskLayout& layout, std::int64_t cellBudget);

/// Computes the cells of `view` for `layer`. The view's data must be present (scores for Scores,
/// previousMask for Changes). Pooling keeps the maximum: any kept element, the largest |weight|.
MaskRaster rasterize(const core::LayerTensors& layer, const MaskLayout& layout, MaskView view, int factor);

} // namespace espalier::widgets
