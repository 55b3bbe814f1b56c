#include "saliencyhistogram.h"

namespace espalier::core {

SaliencyHistogram makeSaliencyHistogram(const torch::Tensor& scores, const torch::Tensor& mask, int bins)
{
    torch::NoGradGuard noGrad;
    SaliencyHistogram h;
    auto magnitude = scores.detach().abs().flatten().to(torch::kFloat64);
    auto kept = mask.flatten().to(torch::kBool);
    auto nonZero = magnitude.gt(0);
    h.zeroScores = nonZero.logical_not().sum().item<std::int64_t>();
    if (!nonZero.any().item<bool>())
        return h;
    auto logs = magnitude.masked_select(nonZero).log10();
    double lo = logs.min().item<double>();
    double hi = logs.max().item<double>();
    if (hi - lo < 1e-9) {
        lo -= 0.5;
        hi += 0.5;
    }
    auto keptLogs = magnitude.masked_select(nonZero & kept).log10();
    auto prunedLogs = magnitude.masked_select(nonZero & kept.logical_not()).log10();
    auto keptHist = torch::histc(keptLogs, bins, lo, hi).to(torch::kLong);
    auto prunedHist = torch::histc(prunedLogs, bins, lo, hi).to(torch::kLong);
    for (int i = 0; i <= bins; ++i)
        h.edges.push_back(lo + (hi - lo) * i / bins);
    for (int i = 0; i < bins; ++i) {
        h.keptCounts.push_back(keptHist[i].item<std::int64_t>());
        h.prunedCounts.push_back(prunedHist[i].item<std::int64_t>());
    }
    if (keptLogs.numel() > 0)
        h.threshold = keptLogs.min().item<double>();
    return h;
}

} // namespace espalier::core
