#include "sparseexecution.h"

#include <cmath>
#include <limits>
#include <optional>

#include <torch/csrc/jit/api/function_impl.h>

#include "csrlinear.h"
#include "graphinlining.h"
#include "timing.h"

namespace espalier::core {
namespace {

torch::Tensor csrConv2dOp(const torch::Tensor& x, const torch::Tensor& rowStart, const torch::Tensor& columns,
                          const torch::Tensor& values, const c10::optional<torch::Tensor>& bias,
                          std::vector<std::int64_t> kernel, std::vector<std::int64_t> stride,
                          std::vector<std::int64_t> padding, std::vector<std::int64_t> dilation)
{
    return csrConv2d(x, rowStart, columns, values, bias, kernel, stride, padding, dilation);
}

const auto kRegistry =
    torch::RegisterOperators()
        .op("espalier::csr_linear(Tensor x, Tensor row_start, Tensor columns, Tensor values, Tensor? bias) -> Tensor",
            &csrLinear)
        .op("espalier::csr_conv2d(Tensor x, Tensor row_start, Tensor columns, Tensor values, Tensor? bias, "
            "int[] kernel, int[] stride, int[] padding, int[] dilation) -> Tensor",
            &csrConv2dOp);

/// stride, padding and dilation of an aten::conv2d node when they are constants and groups is 1.
struct ConvGeometry {
    std::vector<std::int64_t> stride, padding, dilation;
};

std::optional<ConvGeometry> convGeometry(const torch::jit::Node* node)
{
    auto stride = constantInts(node->inputs()[3]);
    auto padding = constantInts(node->inputs()[4]);
    auto dilation = constantInts(node->inputs()[5]);
    const auto groups = constantInt(node->inputs()[6]);
    if (!stride || !padding || !dilation || !groups || *groups != 1 || stride->size() != 2 || padding->size() != 2 ||
        dilation->size() != 2)
        return std::nullopt;
    return ConvGeometry{*stride, *padding, *dilation};
}

bool isLayer(const torch::jit::Node* node)
{
    const std::string kind = node->kind().toQualString();
    return kind == "aten::conv2d" || kind == "aten::linear";
}

std::shared_ptr<torch::jit::Graph> inferenceGraph(const torch::jit::Module& module)
{
    auto graph = inlinedForward(module);
    specialiseForInference(graph);
    return graph;
}

} // namespace

struct SparseExecution::Impl {
    torch::jit::Module module;
    std::unique_ptr<torch::jit::GraphFunction> function;
    std::vector<SparseLayerChoice> layers;
};

SparseExecution::SparseExecution(const Model& model, std::int64_t batch, int repeats, bool alwaysSparse)
    : impl_(std::make_unique<Impl>())
{
    auto& d = *impl_;
    d.module = model.module;
    d.module.eval();
    torch::NoGradGuard noGrad;

    // Probe: the input, weight and bias each layer sees on a batch of this size.
    auto probeGraph = inferenceGraph(d.module);
    std::vector<torch::jit::Value*> probes;
    for (auto* node : probeGraph->nodes())
        if (isLayer(node))
            probes.insert(probes.end(), {node->inputs()[0], node->inputs()[1], node->inputs()[2], node->output()});
    {
        torch::jit::WithInsertPoint end(probeGraph->return_node());
        auto* tuple = probeGraph->insertNode(probeGraph->createTuple(probes))->output();
        probeGraph->eraseOutput(0);
        probeGraph->registerOutput(tuple);
    }
    torch::jit::GraphFunction probe("espalier_sparse_probe", probeGraph, nullptr);
    auto shape = model.inputShape;
    shape.insert(shape.begin(), batch);
    const auto seen = probe({d.module._ivalue(), torch::randn(shape)}).toTuple()->elements();

    auto graph = inferenceGraph(d.module);
    std::size_t k = 0;
    std::vector<torch::jit::Node*> layerNodes;
    for (auto* node : graph->nodes())
        if (isLayer(node))
            layerNodes.push_back(node);
    for (auto* node : layerNodes) {
        const auto x = seen[4 * k].toTensor();
        const auto weight = seen[4 * k + 1].toTensor();
        const auto bias = seen[4 * k + 2].isNone() ? torch::Tensor() : seen[4 * k + 2].toTensor();
        const auto out = seen[4 * k + 3].toTensor();
        ++k;
        SparseLayerChoice choice;
        choice.layer = attributePath(node->inputs()[1]);
        choice.linear = std::string(node->kind().toQualString()) == "aten::linear";
        choice.entries = weight.numel();
        choice.nonzeros = weight.ne(0).sum().item<std::int64_t>();
        choice.macsPerSample = (out.numel() / out.size(0)) * (weight.numel() / weight.size(0));
        choice.sparseMs = std::numeric_limits<double>::quiet_NaN();
        const auto conv = choice.linear ? std::nullopt : convGeometry(node);
        if (choice.linear || conv) {
            const auto csr = toCsr(weight);
            const c10::optional<torch::Tensor> b = bias.defined() ? c10::optional<torch::Tensor>(bias) : c10::nullopt;
            std::vector<std::int64_t> kernel{weight.size(-2), weight.size(-1)};
            if (choice.linear) {
                choice.denseMs = medianMilliseconds(repeats, [&] { torch::linear(x, weight, bias); });
                choice.sparseMs = medianMilliseconds(repeats, [&] { csrLinear(x, csr.rowStart, csr.columns, csr.values, b); });
            } else {
                choice.denseMs = medianMilliseconds(repeats, [&] {
                    torch::conv2d(x, weight, bias, conv->stride, conv->padding, conv->dilation);
                });
                choice.sparseMs = medianMilliseconds(repeats, [&] {
                    csrConv2d(x, csr.rowStart, csr.columns, csr.values, b, kernel, conv->stride, conv->padding,
                              conv->dilation);
                });
            }
            choice.sparse = alwaysSparse || choice.sparseMs < choice.denseMs;
            if (choice.sparse) {
                torch::jit::WithInsertPoint here(node);
                std::vector<torch::jit::Value*> inputs{node->inputs()[0], graph->insertConstant(csr.rowStart),
                                                       graph->insertConstant(csr.columns),
                                                       graph->insertConstant(csr.values), node->inputs()[2]};
                if (conv)
                    for (const auto& list : {kernel, conv->stride, conv->padding, conv->dilation})
                        inputs.push_back(graph->insertConstant(list));
                const auto op =
                    c10::Symbol::fromQualString(choice.linear ? "espalier::csr_linear" : "espalier::csr_conv2d");
                auto* call = graph->insertNode(graph->create(op, inputs));
                call->output()->setType(node->output()->type());
                node->output()->replaceAllUsesWith(call->output());
                node->destroy();
            }
        }
        d.layers.push_back(std::move(choice));
    }
    d.function = std::make_unique<torch::jit::GraphFunction>("espalier_sparse_forward", graph, nullptr);
}

SparseExecution::~SparseExecution() = default;

torch::Tensor SparseExecution::forward(const torch::Tensor& x)
{
    torch::NoGradGuard noGrad;
    return (*impl_->function)({impl_->module._ivalue(), x}).toTensor();
}

const std::vector<SparseLayerChoice>& SparseExecution::layers() const
{
    return impl_->layers;
}

} // namespace espalier::core
