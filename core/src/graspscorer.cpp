#include "graspscorer.h"

#include <cmath>
#include <sstream>

#include "espalier/core/errors.h"
#include "scoring.h"

namespace espalier::core {
namespace {

// The official quirk: every Linear weight of the scoring copy gets fresh xavier_normal values. Rank-2
// prunable tensors are the Linear weights (convolutions are rank 4). Pruned entries stay zero so
// that a later round never scores a weight that no longer exists.
void reinitLinearWeights(std::vector<torch::Tensor>& weights, const MaskSet& masks, torch::Generator& generator)
{
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (weights[i].dim() != 2)
            continue;
        const double fanOut = double(weights[i].size(0));
        const double fanIn = double(weights[i].size(1));
        const double std = std::sqrt(2.0 / (fanIn + fanOut));
        auto fresh = at::normal(0.0, std, weights[i].sizes(), generator, weights[i].options());
        weights[i].copy_(fresh * masks.mask(i).to(fresh.scalar_type()));
    }
}

std::string number(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

torch::Tensor temperedLoss(torch::jit::Module& net, const TensorDataset& batch, double temperature)
{
    auto logits = net.forward({batch.images}).toTensor() / temperature;
    return torch::nn::functional::cross_entropy(logits, batch.labels);
}

} // namespace

GraspOptions graspOptions(const std::map<std::string, double>& params)
{
    GraspOptions o;
    o.temperature = methodParam(params, "temperature", o.temperature);
    if (!(o.temperature > 0))
        throw InputError("method_params.temperature must be a number > 0 for grasp (got " +
                         number(o.temperature) + ")");
    const double k = methodParam(params, "samples_per_class", o.samplesPerClass);
    if (!(k >= 1 && k <= 1e6 && std::floor(k) == k))
        throw InputError("method_params.samples_per_class must be an integer >= 1 for grasp (got " +
                         number(k) + ")");
    o.samplesPerClass = int(k);
    const double reinit = methodParam(params, "reinit_linear", 0.0);
    if (reinit != 0.0 && reinit != 1.0)
        throw InputError("method_params.reinit_linear must be 0 or 1 for grasp (got " + number(reinit) + ")");
    o.reinitLinear = reinit == 1.0;
    return o;
}

TensorDataset graspData(const TensorDataset& train, int numClasses, int samplesPerClass)
{
    auto labels = train.labels.to(torch::kLong).contiguous();
    const auto* y = labels.data_ptr<std::int64_t>();
    std::vector<std::vector<std::int64_t>> perClass(std::size_t(std::max(numClasses, 0)));
    std::size_t full = 0;
    for (std::int64_t i = 0; i < labels.numel() && full < perClass.size(); ++i) {
        if (y[i] < 0 || y[i] >= numClasses)
            continue;
        auto& bucket = perClass[std::size_t(y[i])];
        if (bucket.size() < std::size_t(samplesPerClass)) {
            bucket.push_back(i);
            if (bucket.size() == std::size_t(samplesPerClass))
                ++full;
        }
    }
    std::vector<std::int64_t> order;
    for (const auto& bucket : perClass)
        order.insert(order.end(), bucket.begin(), bucket.end());
    if (order.size() < 2)
        throw InputError("grasp needs at least 2 training samples to form its two scoring batches (found " +
                         std::to_string(order.size()) + ")");
    auto index = torch::tensor(order, torch::kLong);
    return {train.images.index_select(0, index), train.labels.index_select(0, index)};
}

std::vector<torch::Tensor> graspScores(const Model& model, const MaskSet& masks, const TensorDataset& train,
                                       const GraspOptions& options, torch::Generator& generator)
{
    int numClasses = model.numClasses;
    if (numClasses <= 0)
        numClasses = int(train.labels.max().item<std::int64_t>()) + 1;
    const auto data = graspData(train, numClasses, options.samplesPerClass);
    const std::int64_t half = data.size() / 2;
    const std::vector<TensorDataset> batches{
        {data.images.slice(0, 0, half), data.labels.slice(0, 0, half)},
        {data.images.slice(0, half, data.size()), data.labels.slice(0, half, data.size())}};

    torch::jit::Module net;
    std::vector<torch::Tensor> weights;
    {
        // A copy under no-grad: its tensors are fresh leaves, and train-mode forwards update the
        // copy's BN running statistics, never the live model's.
        torch::NoGradGuard noGrad;
        net = model.module.clone();
        weights = weightsByName(net, masks);
        for (std::size_t i = 0; i < weights.size(); ++i)
            weights[i].mul_(masks.mask(i)).requires_grad_(true);
    }
    if (options.reinitLinear)
        reinitLinearWeights(weights, masks, generator);
    net.train(true);

    torch::AutoGradMode enableGrad(true);
    std::vector<torch::Tensor> g(weights.size());
    for (const auto& batch : batches) {
        auto grads = gradients(temperedLoss(net, batch, options.temperature), weights);
        for (std::size_t i = 0; i < weights.size(); ++i)
            g[i] = g[i].defined() ? g[i] + grads[i].detach() : grads[i].detach();
    }

    std::vector<torch::Tensor> hg(weights.size());
    for (const auto& batch : batches) {
        auto gradF = gradients(temperedLoss(net, batch, options.temperature), weights, /*createGraph=*/true);
        torch::Tensor z = torch::zeros({}, weights.front().options().requires_grad(false));
        for (std::size_t i = 0; i < weights.size(); ++i)
            z = z + (g[i] * gradF[i]).sum();
        auto hgBatch = gradients(z, weights);
        for (std::size_t i = 0; i < weights.size(); ++i)
            hg[i] = hg[i].defined() ? hg[i] + hgBatch[i] : hgBatch[i];
    }

    std::vector<torch::Tensor> scores;
    for (std::size_t i = 0; i < weights.size(); ++i)
        scores.push_back((weights[i].detach() * hg[i]).detach());
    return scores;
}

} // namespace espalier::core
