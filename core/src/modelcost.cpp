#include "modelcost.h"

#include "graphinlining.h"
#include "timing.h"

#include <algorithm>
#include <chrono>

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/inliner.h>

namespace espalier::core {
namespace {

constexpr int kWarmupRuns = 3;

// Puts the module in eval mode for the lifetime of the guard.
class EvalGuard {
public:
    explicit EvalGuard(torch::jit::Module module) : module_(std::move(module)), wasTraining_(module_.is_training())
    {
        module_.eval();
    }
    ~EvalGuard() { module_.train(wasTraining_); }
    EvalGuard(const EvalGuard&) = delete;
    EvalGuard& operator=(const EvalGuard&) = delete;

private:
    torch::jit::Module module_;
    bool wasTraining_;
};

std::vector<std::int64_t> batchShape(std::int64_t batch, const std::vector<std::int64_t>& input)
{
    std::vector<std::int64_t> shape{batch};
    shape.insert(shape.end(), input.begin(), input.end());
    return shape;
}

} // namespace

ModelCost measureCost(const torch::jit::Module& module, const std::vector<std::int64_t>& input)
{
    ModelCost cost;
    for (const auto& p : module.parameters(/*recurse=*/true))
        cost.parameters += p.numel();

    auto graph = inlinedForward(module);
    std::vector<torch::jit::Value*> probes; // (output, weight) per Conv/Linear
    for (auto* node : graph->nodes()) {
        const std::string kind = node->kind().toQualString();
        if (kind == "aten::conv2d" || kind == "aten::linear") {
            probes.push_back(node->output());
            probes.push_back(node->inputs()[1]);
        }
    }
    {
        torch::jit::WithInsertPoint insert(graph->return_node());
        auto* tuple = graph->insertNode(graph->createTuple(probes))->output();
        graph->eraseOutput(0);
        graph->registerOutput(tuple);
    }
    torch::jit::GraphFunction probe("espalier_cost_probe", graph, nullptr);
    EvalGuard eval(module);
    torch::NoGradGuard noGrad;
    auto outputs = probe({module._ivalue(), torch::zeros(batchShape(1, input))}).toTuple()->elements();
    for (std::size_t k = 0; k + 1 < outputs.size(); k += 2) {
        const auto out = outputs[k].toTensor();
        const auto weight = outputs[k + 1].toTensor();
        // Every output entry is a dot product over one filter (Conv) or one weight row (Linear).
        cost.multiplyAccumulates += out.numel() * (weight.numel() / weight.size(0));
    }
    return cost;
}

std::vector<double> compareLatency(const std::vector<torch::jit::Module>& modules, const std::vector<std::int64_t>& input,
                                   std::int64_t batch, int repeats)
{
    std::vector<std::unique_ptr<EvalGuard>> guards;
    for (const auto& m : modules)
        guards.push_back(std::make_unique<EvalGuard>(m));
    torch::NoGradGuard noGrad;
    const auto x = torch::randn(batchShape(batch, input));
    std::vector<std::vector<double>> times(modules.size());
    for (int run = 0; run < kWarmupRuns + repeats; ++run) {
        for (std::size_t m = 0; m < modules.size(); ++m) {
            auto module = modules[m];
            const auto start = std::chrono::steady_clock::now();
            module.forward({x});
            const auto stop = std::chrono::steady_clock::now();
            if (run >= kWarmupRuns)
                times[m].push_back(std::chrono::duration<double, std::milli>(stop - start).count());
        }
    }
    std::vector<double> medians;
    for (auto& t : times)
        medians.push_back(median(std::move(t)));
    return medians;
}

} // namespace espalier::core
