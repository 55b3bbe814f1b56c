#include "activationsparsity.h"

#include <cmath>
#include <unordered_set>

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>

#include "graphinlining.h"
#include "espalier/core/errors.h"

namespace espalier::core {
namespace {

// Keeps the ⌈fraction · n⌉ largest |x| of each sample (dimension 0); exactly that many, ties by index.
torch::Tensor keepTopActivations(const torch::Tensor& x, double fraction)
{
    if (fraction >= 1.0 || x.dim() < 2 || x.numel() == 0)
        return x;
    const auto flat = x.reshape({x.size(0), -1});
    const auto n = flat.size(1);
    const auto k = std::max<std::int64_t>(1, std::int64_t(std::ceil(fraction * double(n) - 1e-9)));
    const auto indices = std::get<1>(flat.abs().topk(k, 1, /*largest=*/true, /*sorted=*/false));
    auto kept = torch::zeros_like(flat);
    kept.scatter_(1, indices, flat.gather(1, indices));
    return kept.reshape(x.sizes());
}

// Registered where it is used, so a static link keeps it.
const auto kRegistry = torch::RegisterOperators().op(
    "espalier::keep_top_activations(Tensor x, float fraction) -> Tensor", &keepTopActivations);

struct Rewritten {
    std::shared_ptr<torch::jit::Graph> graph;
    std::vector<std::string> layers; // weight names, in probe order
};

Rewritten rewrite(const torch::jit::Module& module, double fraction)
{
    Rewritten out;
    out.graph = inlinedForward(module);
    auto& g = *out.graph;
    const auto op = c10::Symbol::fromQualString("espalier::keep_top_activations");
    std::vector<torch::jit::Value*> probes{g.outputs()[0]};
    // Values computed from some layer's output are activations; the data and what is computed
    // from it alone (a flatten of the input) stay whole.
    std::unordered_set<const torch::jit::Value*> activations;
    for (auto* node : g.nodes()) {
        const std::string kind = node->kind().toQualString();
        const bool layer = kind == "aten::conv2d" || kind == "aten::linear";
        bool downstream = false;
        for (const auto* in : node->inputs())
            downstream = downstream || activations.count(in) > 0;
        if (layer) {
            auto* x = node->inputs()[0];
            if (activations.count(x)) {
                torch::jit::WithInsertPoint here(node);
                auto* f = g.insertConstant(fraction);
                auto* kept = g.insertNode(g.create(op, {x, f}))->output();
                kept->setType(x->type());
                node->replaceInput(0, kept);
                x = kept;
            }
            probes.insert(probes.end(), {x, node->output(), node->inputs()[1]});
            out.layers.push_back(attributePath(node->inputs()[1]));
        }
        if (layer || downstream)
            for (const auto* o : node->outputs())
                activations.insert(o);
    }
    torch::jit::WithInsertPoint end(g.return_node());
    auto* tuple = g.insertNode(g.createTuple(probes))->output();
    g.eraseOutput(0);
    g.registerOutput(tuple);
    return out;
}

} // namespace

ActivationSparsityResult evaluateActivationSparsity(const Model& model, const TensorDataset& test, double keepFraction,
                                                    std::int64_t batch)
{
    if (!(keepFraction > 0.0 && keepFraction <= 1.0))
        throw InputError("activation keep fraction " + std::to_string(keepFraction) + " must be in (0, 1]");
    if (test.size() == 0)
        throw InputError("activation sparsity needs test samples");
    auto rewritten = rewrite(model.module, keepFraction);
    torch::jit::GraphFunction run("espalier_activation_sparsity", rewritten.graph, nullptr);
    const bool wasTraining = model.module.is_training();
    auto module = model.module;
    module.eval();
    torch::NoGradGuard noGrad;

    ActivationSparsityResult r;
    r.keepFraction = keepFraction;
    const auto layers = rewritten.layers.size();
    std::vector<double> zeros(layers, 0.0), entries(layers, 0.0);
    std::vector<std::int64_t> macs(layers, 0);
    std::int64_t correct = 0;
    double lossSum = 0.0;
    try {
        for (std::int64_t start = 0; start < test.size(); start += batch) {
            const auto end = std::min(start + batch, test.size());
            const auto labels = test.labels.slice(0, start, end);
            auto outputs = run({module._ivalue(), test.images.slice(0, start, end)}).toTuple()->elements();
            const auto logits = outputs[0].toTensor();
            correct += logits.argmax(1).eq(labels).sum().item<std::int64_t>();
            lossSum += torch::nn::functional::cross_entropy(logits, labels).item<double>() * double(end - start);
            for (std::size_t l = 0; l < layers; ++l) {
                const auto in = outputs[1 + 3 * l].toTensor();
                const auto out = outputs[2 + 3 * l].toTensor();
                const auto weight = outputs[3 + 3 * l].toTensor();
                zeros[l] += in.eq(0).sum().item<double>();
                entries[l] += double(in.numel());
                macs[l] = (out.numel() / out.size(0)) * (weight.numel() / weight.size(0));
            }
        }
    } catch (...) {
        module.train(wasTraining);
        throw;
    }
    module.train(wasTraining);
    r.testAccuracy = double(correct) / double(test.size());
    r.testLoss = lossSum / double(test.size());
    double skipped = 0.0, total = 0.0;
    for (std::size_t l = 0; l < layers; ++l) {
        const double fraction = entries[l] > 0 ? zeros[l] / entries[l] : 0.0;
        r.layers.push_back({rewritten.layers[l], fraction, macs[l]});
        skipped += fraction * double(macs[l]);
        total += double(macs[l]);
    }
    r.skippedWork = total > 0 ? skipped / total : 0.0;
    return r;
}

} // namespace espalier::core
