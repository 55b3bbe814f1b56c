#include "saliencyhistogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace espalier::core {
namespace {

// Fills `h` from log10 |score| (-inf for zero scores) and the mask, in two plain passes.
template <typename Log>
void countBins(const Log* x, const bool* isKept, std::int64_t n, int bins, SaliencyHistogram& h)
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::int64_t i = 0; i < n; ++i) {
        if (std::isfinite(x[i])) {
            lo = std::min(lo, double(x[i]));
            hi = std::max(hi, double(x[i]));
        } else if (x[i] < 0) {
            ++h.zeroScores;
        }
    }
    if (lo > hi)
        return;
    if (hi - lo < 1e-9) {
        lo -= 0.5;
        hi += 0.5;
    }
    // Branch-free counting: whether an entry is kept is as unpredictable as a coin.
    std::vector<std::int64_t> counts(2 * static_cast<std::size_t>(bins), 0); // pruned bins, then kept bins
    double threshold = std::numeric_limits<double>::infinity();
    const double perUnit = double(bins) / (hi - lo);
    for (std::int64_t i = 0; i < n; ++i) {
        const double value = double(x[i]);
        const bool finite = std::isfinite(value);
        // torch.histc's binning: the right edge belongs to the last bin.
        const std::int64_t bin = finite ? std::min<std::int64_t>(std::int64_t((value - lo) * perUnit), bins - 1) : 0;
        counts[static_cast<std::size_t>(isKept[i] * bins + bin)] += finite;
        threshold = std::min(threshold, finite && isKept[i] ? value : std::numeric_limits<double>::infinity());
    }
    h.prunedCounts.assign(counts.begin(), counts.begin() + bins);
    h.keptCounts.assign(counts.begin() + bins, counts.end());
    for (int i = 0; i <= bins; ++i)
        h.edges.push_back(lo + (hi - lo) * i / bins);
    if (std::isfinite(threshold))
        h.threshold = threshold;
}

} // namespace

SaliencyHistogram makeSaliencyHistogram(const torch::Tensor& scores, const torch::Tensor& mask, int bins)
{
    torch::NoGradGuard noGrad;
    SaliencyHistogram h;
    // One vectorised log10 in the scores' own precision (float32 scores stay float32), then two
    // plain passes: every round of every session builds these, and separate masked_select and
    // histc passes cost more than the mask selection itself.
    auto magnitude = scores.detach().flatten().abs();
    if (magnitude.scalar_type() != torch::kFloat32)
        magnitude = magnitude.to(torch::kFloat64);
    const auto logs = magnitude.log10_().contiguous();
    const auto kept = mask.detach().flatten().to(torch::kBool).contiguous();
    if (logs.scalar_type() == torch::kFloat32)
        countBins(logs.data_ptr<float>(), kept.data_ptr<bool>(), logs.numel(), bins, h);
    else
        countBins(logs.data_ptr<double>(), kept.data_ptr<bool>(), logs.numel(), bins, h);
    return h;
}

} // namespace espalier::core
