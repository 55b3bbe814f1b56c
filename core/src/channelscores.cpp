#include "channelscores.h"

#include <cmath>
#include <limits>

#include "espalier/core/errors.h"
#include "moduleaccess.h"
#include "scoring.h"

namespace espalier::core {
namespace {

constexpr std::int64_t kTaylorChannelBatch = 128;

// Per-atom values of every slice with `role`, reduced per channel by `perChannel`, averaged per class.
template <typename PerChannel>
std::vector<double> classMeans(const ChannelGraph& graph, ChannelSlice::Role role, PerChannel perChannel)
{
    std::vector<double> sum(graph.classCount, 0.0);
    std::vector<int> count(graph.classCount, 0);
    for (const auto& slice : graph.slices) {
        if (slice.role != role)
            continue;
        const auto values = perChannel(slice);
        for (std::size_t k = 0; k < slice.atoms.size(); ++k) {
            const int cls = graph.classOf[slice.atoms[k]];
            sum[cls] += values[k];
            ++count[cls];
        }
    }
    std::vector<double> out(graph.classCount, std::numeric_limits<double>::quiet_NaN());
    for (int c = 0; c < graph.classCount; ++c)
        if (count[c] > 0)
            out[c] = sum[c] / count[c];
    return out;
}

std::vector<double> toVector(const torch::Tensor& t)
{
    auto c = t.to(torch::kDouble).contiguous();
    return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

// Rows of a producer weight reduced to one number each.
std::vector<double> rowReduce(const torch::Tensor& weight, const std::function<torch::Tensor(const torch::Tensor&)>& f)
{
    return toVector(f(weight.detach().reshape({weight.size(0), -1})));
}

std::vector<double> taylorScores(Model& model, const ChannelGraph& graph, const TensorDataset& samples)
{
    if (samples.size() == 0)
        throw InputError("taylor channel scores need at least one scoring sample");
    std::vector<const ChannelSlice*> producers;
    std::vector<torch::Tensor> weights;
    for (const auto& slice : graph.slices)
        if (slice.role == ChannelSlice::Role::Producer) {
            producers.push_back(&slice);
            weights.push_back(namedTensor(model.module, slice.tensor));
        }
    const bool wasTraining = model.module.is_training();
    model.module.eval();
    torch::AutoGradMode enableGrad(true);
    std::vector<double> sums(graph.classCount, 0.0);
    std::int64_t batches = 0;
    try {
        for (std::int64_t start = 0; start < samples.size(); start += kTaylorChannelBatch) {
            const auto end = std::min(start + kTaylorChannelBatch, samples.size());
            auto logits = model.forward(samples.images.slice(0, start, end));
            auto loss = torch::nn::functional::cross_entropy(logits, samples.labels.slice(0, start, end));
            auto grads = gradients(loss, weights);
            // I_S = (Σ_{s∈S} g_s w_s)² with S every filter of the class, per batch.
            std::vector<double> perClass(graph.classCount, 0.0);
            for (std::size_t i = 0; i < producers.size(); ++i) {
                const auto rows = rowReduce(grads[i] * weights[i].detach(), [](const torch::Tensor& r) { return r.sum(1); });
                for (std::size_t k = 0; k < producers[i]->atoms.size(); ++k)
                    perClass[graph.classOf[producers[i]->atoms[k]]] += rows[k];
            }
            for (int c = 0; c < graph.classCount; ++c)
                sums[c] += perClass[c] * perClass[c];
            ++batches;
        }
    } catch (...) {
        model.module.train(wasTraining);
        throw;
    }
    model.module.train(wasTraining);
    for (auto& s : sums)
        s /= double(batches);
    return sums;
}

} // namespace

const std::vector<std::string>& channelCriterionNames()
{
    static const std::vector<std::string> names{"l1-filter", "slimming", "taylor", "random"};
    return names;
}

ChannelCriterion parseChannelCriterion(const std::string& name, const std::string& key)
{
    if (name == "l1-filter")
        return ChannelCriterion::L1;
    if (name == "slimming")
        return ChannelCriterion::BatchNormGamma;
    if (name == "taylor")
        return ChannelCriterion::Taylor;
    if (name == "random")
        return ChannelCriterion::Random;
    throw InputError(key + ": unknown channel criterion '" + name + "' (valid: l1-filter, slimming, taylor, random)");
}

std::vector<double> channelScores(Model& model, const ChannelGraph& graph, ChannelCriterion criterion,
                                  const TensorDataset& samples, torch::Generator& generator)
{
    torch::NoGradGuard noGrad;
    switch (criterion) {
    case ChannelCriterion::L1:
        // Each layer's filter norms relative to the layer's mean: filters with more inputs have
        // larger sums, and a channel coupled across stages must not lose for its wider neighbours.
        return classMeans(graph, ChannelSlice::Role::Producer, [&](const ChannelSlice& s) {
            return rowReduce(namedTensor(model.module, s.tensor), [](const torch::Tensor& r) {
                const auto l1 = r.abs().sum(1);
                return l1 / l1.mean().clamp_min(1e-30);
            });
        });
    case ChannelCriterion::BatchNormGamma:
        return classMeans(graph, ChannelSlice::Role::NormWeight, [&](const ChannelSlice& s) {
            return toVector(namedTensor(model.module, s.tensor).detach().abs());
        });
    case ChannelCriterion::Taylor:
        return taylorScores(model, graph, samples);
    case ChannelCriterion::Random: {
        const auto draws = toVector(torch::rand({graph.classCount}, generator, torch::kDouble));
        return draws;
    }
    }
    return {};
}

} // namespace espalier::core
