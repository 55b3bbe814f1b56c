#include "maskselection.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

#include "espalier/core/errors.h"

namespace espalier::core {
namespace {

constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

// Marks the `count` best candidates of `scores` (-inf = not a candidate) in `keep`: every score
// above the count-th largest, then the tied ones with the lowest indices. One nth_element over the
// candidates and branch-free passes: SynFlow selects a hundred times per run, and ATen's kthvalue
// with the comparison passes around it cost several times Python's topk.
void keepTop(const double* scores, std::int64_t n, std::int64_t count, bool* keep)
{
    if (count <= 0)
        return;
    thread_local std::vector<double> buffer; // kept between calls: no page faults per round
    buffer.resize(static_cast<std::size_t>(n));
    double* candidates = buffer.data();
    std::int64_t found = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        candidates[found] = scores[i];
        found += scores[i] > kMinusInf;
    }
    if (count >= found) {
        for (std::int64_t i = 0; i < n; ++i)
            keep[i] = keep[i] | (scores[i] > kMinusInf);
        return;
    }
    std::nth_element(candidates, candidates + (count - 1), candidates + found, std::greater<>());
    const double threshold = candidates[count - 1];
    std::int64_t above = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const bool better = scores[i] > threshold;
        keep[i] = keep[i] | better;
        above += better;
    }
    for (std::int64_t i = 0, remaining = count - above; i < n && remaining > 0; ++i)
        if (scores[i] == threshold) {
            keep[i] = true;
            --remaining;
        }
}

// work[i] = score[i] where `alive`, -inf elsewhere; false when a score is NaN. Reads float32 or
// float64 scores in place, without a converted copy.
template <typename Score>
bool candidateScores(const Score* score, const bool* alive, std::int64_t n, double* work)
{
    bool noNaN = true;
    for (std::int64_t i = 0; i < n; ++i) {
        const double value = double(score[i]);
        noNaN = noNaN && value == value;
        work[i] = alive[i] ? value : kMinusInf;
    }
    return noNaN;
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
    std::vector<std::int64_t> offsets(layers + 1, 0);
    for (std::size_t l = 0; l < layers; ++l)
        offsets[l + 1] = offsets[l] + scores[l].numel();
    const std::int64_t total = offsets[layers];
    // One flat buffer for all layers: each candidate's score, -inf where it cannot (or need not) win.
    thread_local std::vector<double> work;
    work.resize(static_cast<std::size_t>(total));
    auto keepAll = torch::zeros({total}, torch::kBool);
    bool* keep = keepAll.data_ptr<bool>();
    std::int64_t forcedKept = 0;

    for (std::size_t l = 0; l < layers; ++l) {
        auto s = scores[l].detach().contiguous();
        if (s.scalar_type() != torch::kFloat32)
            s = s.to(torch::kFloat64);
        const auto candidate = current[l].detach().to(torch::kBool).contiguous();
        if (candidate.numel() != s.numel())
            throw std::invalid_argument("selectMasks: the scores and mask of " + names[l] + " differ in size");
        const bool* alive = candidate.data_ptr<bool>();
        const std::int64_t n = s.numel();
        double* w = work.data() + offsets[l];
        bool* k = keep + offsets[l];
        const bool noNaN = s.scalar_type() == torch::kFloat32
                               ? candidateScores(s.data_ptr<float>(), alive, n, w)
                               : candidateScores(s.data_ptr<double>(), alive, n, w);
        if (!noNaN)
            throw InputError("scores of layer " + names[l] + " contain NaN (diverged model or bad data?)");
        const bool locked = l < constraints.locked.size() && constraints.locked[l];
        if (locked) {
            std::copy(alive, alive + n, k);
        } else {
            // Floors and the clamp policy reserve a layer's best entries before the competition.
            const double floor = l < constraints.floors.size() ? constraints.floors[l] : 0.0;
            std::int64_t reserve = static_cast<std::int64_t>(std::ceil(floor * double(n) - 1e-6));
            if (constraints.keepOnePerLayer)
                reserve = std::max<std::int64_t>(reserve, 1);
            if (!global)
                reserve = std::max(reserve, keepCount(density, n));
            keepTop(w, n, reserve, k);
        }
        for (std::int64_t i = 0; i < n; ++i) {
            forcedKept += k[i];
            w[i] = (k[i] || locked) ? kMinusInf : w[i];
        }
    }

    if (global)
        keepTop(work.data(), total, keepCount(density, total) - forcedKept, keep);

    std::vector<torch::Tensor> masks(layers);
    for (std::size_t l = 0; l < layers; ++l)
        masks[l] = keepAll.slice(0, offsets[l], offsets[l + 1]).clone().view(current[l].sizes());
    return masks;
}

} // namespace espalier::core
