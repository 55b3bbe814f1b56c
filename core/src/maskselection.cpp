#include "maskselection.h"

#include <cmath>
#include <limits>
#include <string>

#include "espalier/core/errors.h"

namespace espalier::core {
namespace {

constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

// Marks the `count` best candidates of `scores` (flat, -inf = not a candidate) in `keep`: every
// score above the k-th largest, then the tied ones with the lowest indices. A selection (kthvalue)
// instead of a full sort: SynFlow re-selects over 20M scores a hundred times.
void keepTop(const torch::Tensor& scores, std::int64_t count, torch::Tensor& keep)
{
    if (count <= 0)
        return;
    const auto candidate = scores.gt(kMinusInf);
    const std::int64_t candidates = candidate.sum().item<std::int64_t>();
    if (count >= candidates) {
        keep.logical_or_(candidate);
        return;
    }
    const double threshold = std::get<0>(torch::kthvalue(scores, scores.numel() - count + 1)).item<double>();
    const auto above = scores.gt(threshold);
    keep.logical_or_(above);
    const std::int64_t remaining = count - above.sum().item<std::int64_t>();
    if (remaining > 0) {
        auto tied = scores.eq(threshold).nonzero().flatten().slice(0, 0, remaining);
        keep.index_fill_(0, tied, true);
    }
}

} // namespace

std::int64_t keepCount(double density, std::int64_t n)
{
    const auto k = static_cast<std::int64_t>(std::floor(density * double(n) + 1e-6));
    return std::clamp<std::int64_t>(k, 0, n);
}

std::vector<torch::Tensor> selectMasks(const std::vector<torch::Tensor>& scores, const std::vector<torch::Tensor>& current,
                                       double density, bool global, const SelectionConstraints& constraints,
                                       const std::vector<std::string>& names)
{
    torch::NoGradGuard noGrad;
    const std::size_t layers = scores.size();
    std::vector<torch::Tensor> flatScores(layers);
    std::vector<torch::Tensor> keep(layers);
    std::int64_t total = 0;
    std::int64_t forcedKept = 0;

    for (std::size_t l = 0; l < layers; ++l) {
        auto s = scores[l].detach().to(torch::kFloat64).flatten().clone();
        if (s.isnan().any().item<bool>())
            throw InputError("scores of layer " + names[l] + " contain NaN (diverged model or bad data?)");
        const auto candidate = current[l].flatten();
        s.masked_fill_(candidate.logical_not(), kMinusInf);
        keep[l] = torch::zeros({s.numel()}, torch::kBool);
        total += s.numel();
        const bool locked = l < constraints.locked.size() && constraints.locked[l];
        if (locked) {
            keep[l].copy_(candidate);
            s.fill_(kMinusInf);
        } else {
            // Floors and the clamp policy reserve a layer's best entries before the competition.
            const double floor = l < constraints.floors.size() ? constraints.floors[l] : 0.0;
            std::int64_t reserve = static_cast<std::int64_t>(std::ceil(floor * double(s.numel()) - 1e-6));
            if (constraints.keepOnePerLayer)
                reserve = std::max<std::int64_t>(reserve, 1);
            if (!global)
                reserve = std::max(reserve, keepCount(density, s.numel()));
            keepTop(s, reserve, keep[l]);
            s.masked_fill_(keep[l], kMinusInf);
        }
        forcedKept += keep[l].sum().item<std::int64_t>();
        flatScores[l] = s;
    }

    if (global) {
        const std::int64_t budget = keepCount(density, total) - forcedKept;
        if (budget > 0) {
            auto all = torch::cat(flatScores);
            auto allKeep = torch::zeros({all.numel()}, torch::kBool);
            keepTop(all, budget, allKeep);
            std::int64_t offset = 0;
            for (std::size_t l = 0; l < layers; ++l) {
                const auto n = flatScores[l].numel();
                keep[l].logical_or_(allKeep.slice(0, offset, offset + n));
                offset += n;
            }
        }
    }

    std::vector<torch::Tensor> masks(layers);
    for (std::size_t l = 0; l < layers; ++l)
        masks[l] = keep[l].view(current[l].sizes());
    return masks;
}

} // namespace espalier::core
