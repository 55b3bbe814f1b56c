#include "scoring.h"

#include <stdexcept>

#include "espalier/core/errors.h"
#include "graspscorer.h"
#include "synflowscorer.h"
#include "taylorscorer.h"

namespace espalier::core {

const std::vector<std::string>& scoringMethods()
{
    static const std::vector<std::string> methods{"magnitude", "random", "snip", "grasp", "synflow", "taylor"};
    return methods;
}

void checkMethodParams(const std::string& method, const std::map<std::string, double>& params)
{
    // A typo in a key must not silently fall back to a default.
    const std::vector<std::string> known =
        method == "grasp" ? std::vector<std::string>{"temperature", "samples_per_class", "reinit_linear"}
                          : std::vector<std::string>{};
    for (const auto& [key, value] : params) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            std::string list;
            for (const auto& k : known)
                list += (list.empty() ? "" : ", ") + k;
            throw InputError("method_params." + key + " is not a parameter of " + method +
                             (list.empty() ? " (it takes none)" : " (known: " + list + ")"));
        }
    }
    if (method == "grasp")
        graspOptions(params);
}

TensorDataset scoringBatch(const TensorDataset& train, const ScoringSettings& settings, torch::Generator& generator)
{
    const std::int64_t n = std::min<std::int64_t>(settings.samples, train.size());
    if (settings.fileOrder)
        return {train.images.slice(0, 0, n), train.labels.slice(0, 0, n)};
    auto index = torch::randperm(train.size(), generator, torch::kLong).slice(0, 0, n);
    return {train.images.index_select(0, index), train.labels.index_select(0, index)};
}

std::vector<torch::Tensor> weightsByName(const torch::jit::Module& module, const MaskSet& masks)
{
    std::map<std::string, torch::Tensor> byName;
    for (const auto& p : module.named_parameters(/*recurse=*/true))
        byName.emplace(p.name, p.value);
    std::vector<torch::Tensor> weights;
    for (const auto& t : masks.tensors()) {
        auto it = byName.find(t.name);
        if (it == byName.end())
            throw std::runtime_error("the scoring copy of the model has no parameter " + t.name);
        weights.push_back(it->second);
    }
    return weights;
}

std::vector<torch::Tensor> gradients(const torch::Tensor& output, const std::vector<torch::Tensor>& inputs,
                                     bool createGraph)
{
    std::vector<torch::Tensor> grads;
    if (output.requires_grad())
        grads = torch::autograd::grad({output}, inputs, /*grad_outputs=*/{}, /*retain_graph=*/c10::nullopt,
                                      /*create_graph=*/createGraph, /*allow_unused=*/true);
    grads.resize(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (!grads[i].defined())
            grads[i] = torch::zeros_like(inputs[i]);
    return grads;
}

double methodParam(const std::map<std::string, double>& params, const std::string& key, double fallback)
{
    auto it = params.find(key);
    return it == params.end() ? fallback : it->second;
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
    } else if (method == "grasp") {
        // GraSP draws its own data (samples_per_class per class), not the scoring batch.
        scores = graspScores(context.model, context.masks, context.train, graspOptions(context.methodParams),
                             context.generator);
    } else if (method == "synflow") {
        scores = synflowScores(context.model, context.masks);
    } else if (method == "taylor") {
        scores = taylorScores(context.model, context.masks,
                              scoringBatch(context.train, context.settings, context.generator));
    } else {
        std::string known;
        for (const auto& m : scoringMethods())
            known += (known.empty() ? "" : ", ") + m;
        throw InputError("method '" + method + "' is not available in this build (available: " + known + ")");
    }
    return scores;
}

} // namespace espalier::core
