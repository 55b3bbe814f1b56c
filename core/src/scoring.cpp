#include "scoring.h"

#include "espalier/core/errors.h"

namespace espalier::core {

const std::vector<std::string>& scoringMethods()
{
    static const std::vector<std::string> methods{"magnitude", "random", "snip"};
    return methods;
}

TensorDataset scoringBatch(const TensorDataset& train, const ScoringSettings& settings, torch::Generator& generator)
{
    const std::int64_t n = std::min<std::int64_t>(settings.samples, train.size());
    if (settings.fileOrder)
        return {train.images.slice(0, 0, n), train.labels.slice(0, 0, n)};
    auto index = torch::randperm(train.size(), generator, torch::kLong).slice(0, 0, n);
    return {train.images.index_select(0, index), train.labels.index_select(0, index)};
}

std::vector<torch::Tensor> snipScores(Model& model, const MaskSet& masks, const TensorDataset& batch)
{
    std::vector<torch::Tensor> weights;
    for (const auto& t : masks.tensors())
        weights.push_back(t.weight);
    const bool wasTraining = model.module.is_training();
    model.module.eval();
    auto loss = torch::nn::functional::cross_entropy(model.forward(batch.images), batch.labels);
    auto grads = torch::autograd::grad({loss}, weights);
    model.module.train(wasTraining);
    std::vector<torch::Tensor> scores;
    for (std::size_t i = 0; i < weights.size(); ++i)
        scores.push_back((grads[i] * weights[i]).abs().detach());
    return scores;
}

std::vector<torch::Tensor> computeScores(const std::string& method, ScoringContext& context)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> scores;
    if (method == "magnitude") {
        for (const auto& t : context.masks.tensors())
            scores.push_back(t.weight.detach().abs());
    } else if (method == "random") {
        for (const auto& t : context.masks.tensors())
            scores.push_back(torch::rand(t.weight.sizes(), context.generator));
    } else if (method == "snip") {
        torch::AutoGradMode enableGrad(true);
        scores = snipScores(context.model, context.masks, scoringBatch(context.train, context.settings, context.generator));
    } else {
        std::string known;
        for (const auto& m : scoringMethods())
            known += (known.empty() ? "" : ", ") + m;
        throw InputError("method '" + method + "' is not available in this build (available: " + known + ")");
    }
    return scores;
}

} // namespace espalier::core
