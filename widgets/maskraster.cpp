#include "widgets/maskraster.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <map>

#include "widgets/palette.h"

namespace espalier::widgets {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kWeightLevels = 256;
constexpr std::size_t kQuantileSample = std::size_t(1) << 16;

QCPColorGradient gradientFrom(const std::map<double, QColor>& stops, int levels)
{
    QCPColorGradient gradient;
    gradient.clearColorStops();
    for (const auto& [position, color] : stops)
        gradient.setColorStopAt(position, color);
    gradient.setLevelCount(levels);
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(maskGapColor());
    return gradient;
}

// One level per value 0..n-1 over the data range [0, n-1]: value k lands exactly on level k.
QCPColorGradient discreteGradient(std::initializer_list<QColor> colors)
{
    std::map<double, QColor> stops;
    const double last = double(colors.size() - 1);
    int i = 0;
    for (const QColor& color : colors)
        stops[i++ / last] = color;
    return gradientFrom(stops, int(colors.size()));
}

// Blue for negative, white at zero, red for positive weights, over positions a..b.
std::map<double, QColor> divergingStops(double a, double zero, double b)
{
    return {{a, QColor(0x21, 0x66, 0xac)}, {(a + zero) / 2, QColor(0x67, 0xa9, 0xcf)}, {zero, QColor(0xf7, 0xf7, 0xf7)},
            {(zero + b) / 2, QColor(0xef, 0x8a, 0x62)}, {b, QColor(0xb2, 0x18, 0x2b)}};
}

QCPColorGradient scoreGradient() // viridis: ordered lightness, readable by colour-blind people
{
    return gradientFrom({{0.0, QColor(0x44, 0x01, 0x54)}, {0.25, QColor(0x3b, 0x52, 0x8b)},
                         {0.5, QColor(0x21, 0x91, 0x8c)}, {0.75, QColor(0x5e, 0xc9, 0x62)},
                         {1.0, QColor(0xfd, 0xe7, 0x25)}},
                        256);
}

// Quantile of a strided sample: colour limits that ignore the top outliers without sorting
// millions of values. Rounds towards the extremes so that a small tensor keeps its min and max.
template <typename ValueOf>
std::pair<double, double> sampledRange(std::size_t n, double lowQ, double highQ, ValueOf valueOf)
{
    std::vector<double> sample;
    const std::size_t stride = std::max<std::size_t>(1, n / kQuantileSample);
    sample.reserve(n / stride + 1);
    for (std::size_t i = 0; i < n; i += stride) {
        const double value = valueOf(i);
        if (std::isfinite(value))
            sample.push_back(value);
    }
    if (sample.empty())
        return {kNaN, kNaN};
    std::sort(sample.begin(), sample.end());
    const double last = double(sample.size() - 1);
    return {sample[std::size_t(std::floor(lowQ * last))], sample[std::size_t(std::ceil(highQ * last))]};
}

double maxCombine(double a, double b) { return std::isnan(a) || b > a ? b : a; }

template <typename ValueOf, typename Combine>
void fillCells(MaskRaster& raster, const MaskLayout& layout, ValueOf valueOf, Combine combine)
{
    double* cells = raster.cells.data();
    const std::int64_t width = raster.width;
    if (raster.factor == 1) {
        layout.forEachElement([&](std::int64_t i, std::int64_t row, std::int64_t column) {
            cells[row * width + column] = valueOf(i);
        });
        return;
    }
    const std::int64_t f = raster.factor;
    layout.forEachElement([&](std::int64_t i, std::int64_t row, std::int64_t column) {
        double& cell = cells[(row / f) * width + column / f];
        cell = combine(cell, valueOf(i));
    });
}

void rasterizeWeights(MaskRaster& raster, const core::LayerTensors& layer, const MaskLayout& layout)
{
    const auto& weights = layer.weights;
    const auto& mask = layer.mask;
    double limit = sampledRange(weights.size(), 0.0, 0.99, [&](std::size_t i) {
        return mask[i] ? std::abs(double(weights[i])) : kNaN;
    }).second;
    if (!(limit > 0.0))
        limit = 1.0;
    // The map's range reaches 1.5 levels below −limit; level 0 is the pruned colour, so a pruned
    // weight (exactly 0 in `weights`) is not drawn as the white of a tiny kept weight.
    const double level = 2.0 * limit / (kWeightLevels - 2.5);
    const double lower = -limit - 1.5 * level;
    const double pruned = lower;
    const auto position = [&](double value) { return (value - lower) / (limit - lower); };
    auto stops = divergingStops(1.0 / (kWeightLevels - 1), position(0.0), 1.0);
    stops[0.0] = weightPrunedColor();
    raster.gradient = gradientFrom(stops, kWeightLevels);
    raster.range = QCPRange(lower, limit);
    raster.prunedWeight = pruned;
    raster.hasScale = true;
    raster.scaleRange = QCPRange(-limit, limit);
    raster.scaleGradient = gradientFrom(divergingStops(0.0, 0.5, 1.0), kWeightLevels - 1);
    raster.scaleLabel = QObject::tr("weight");
    fillCells(
        raster, layout,
        [&](std::int64_t i) { return mask[i] ? std::clamp(double(weights[i]), -limit, limit) : pruned; },
        [pruned](double a, double b) {
            if (std::isnan(a) || a == pruned)
                return b;
            if (b == pruned)
                return a;
            return std::abs(b) > std::abs(a) ? b : a;
        });
}

void rasterizeScores(MaskRaster& raster, const core::LayerTensors& layer, const MaskLayout& layout)
{
    const auto& scores = layer.scores;
    const auto logScore = [&](std::size_t i) {
        const double score = std::abs(double(scores[i]));
        return score > 0.0 ? std::log10(score) : kNaN;
    };
    const auto range = sampledRange(scores.size(), 0.005, 0.995, logScore);
    double low = range.first;
    double high = range.second;
    if (std::isnan(low)) { // all scores zero
        low = -1.0;
        high = 0.0;
    }
    if (high - low < 1e-6) {
        low -= 0.5;
        high += 0.5;
    }
    raster.range = QCPRange(low, high);
    raster.gradient = scoreGradient();
    raster.hasScale = true;
    raster.scaleRange = raster.range;
    raster.scaleGradient = raster.gradient;
    raster.scaleLabel = QObject::tr("log10 |score|");
    fillCells(
        raster, layout,
        [&](std::int64_t i) {
            const double value = logScore(std::size_t(i));
            return std::isfinite(value) ? value : low; // a zero score is the least salient
        },
        maxCombine);
}

} // namespace

QColor maskGapColor() { return Qt::white; }
QColor maskKeptColor() { return densityColor(); }
QColor maskPrunedColor() { return QColor(0xe3, 0xe7, 0xec); }
QColor weightPrunedColor() { return QColor(0xb8, 0xb8, 0xb8); }

QColor changeColor(ChangeValue change)
{
    switch (change) {
    case kStillPruned: return QColor(0xf2, 0xf2, 0xf2);
    case kStillKept: return QColor(0xa6, 0xa6, 0xa6);
    case kNewlyPruned: return warningColor();
    case kRegrown: return QColor(0x2e, 0xa0, 0x43);
    }
    return {};
}

int poolingFactor(const MaskLayout& layout, std::int64_t cellBudget)
{
    const std::int64_t width = layout.width();
    const std::int64_t height = layout.height();
    const std::int64_t budget = std::max<std::int64_t>(1, cellBudget);
    auto factor = std::max<std::int64_t>(1, std::int64_t(std::sqrt(double(width) * double(height) / double(budget))));
    while (((width + factor - 1) / factor) * ((height + factor - 1) / factor) > budget)
        ++factor;
    return int(factor);
}

MaskRaster rasterize(const core::LayerTensors& layer, const MaskLayout& layout, MaskView view, int factor)
{
    MaskRaster raster;
    raster.factor = std::max(1, factor);
    raster.width = int((layout.width() + raster.factor - 1) / raster.factor);
    raster.height = int((layout.height() + raster.factor - 1) / raster.factor);
    raster.cells.assign(std::size_t(raster.width) * std::size_t(raster.height), kNaN);
    const auto& mask = layer.mask;
    switch (view) {
    case MaskView::Mask:
        raster.range = QCPRange(0, 1);
        raster.gradient = discreteGradient({maskPrunedColor(), maskKeptColor()});
        fillCells(
            raster, layout, [&](std::int64_t i) { return mask[i] ? double(kKeptValue) : double(kPrunedValue); },
            maxCombine);
        break;
    case MaskView::Changes: {
        const auto& previous = layer.previousMask;
        raster.range = QCPRange(0, 3);
        raster.gradient = discreteGradient({changeColor(kStillPruned), changeColor(kStillKept),
                                            changeColor(kNewlyPruned), changeColor(kRegrown)});
        fillCells(
            raster, layout,
            [&](std::int64_t i) {
                if (previous[i])
                    return double(mask[i] ? kStillKept : kNewlyPruned);
                return double(mask[i] ? kRegrown : kStillPruned);
            },
            maxCombine);
        break;
    }
    case MaskView::Weights: rasterizeWeights(raster, layer, layout); break;
    case MaskView::Scores: rasterizeScores(raster, layer, layout); break;
    }
    return raster;
}

} // namespace espalier::widgets
