// espalier-cli bench: sizes, work and measured latency of dense and sparse execution, side by side.
#include "espalier/core/bench.h"

#include <chrono>

#include "dataset.h"
#include "espalier/core/errors.h"
#include "maskselection.h"
#include "maskset.h"
#include "model.h"
#include "modelcopy.h"
#include "modelimport.h"
#include "prunable.h"
#include "sparseexecution.h"
#include "timing.h"
#include "torchruntime.h"

namespace espalier::core {
namespace {

/// The copy of `model` pruned by magnitude to `sparsity` (weights already zero stay zero).
Model prunedCopy(const Model& model, const MaskSet& masks, double sparsity, bool layerwise)
{
    auto [copy, copyMasks] = copyMaskedModel(model, masks);
    std::vector<torch::Tensor> scores;
    std::vector<std::string> names;
    for (const auto& t : copyMasks.tensors()) {
        scores.push_back(t.weight.detach().abs());
        names.push_back(t.name);
    }
    SelectionConstraints constraints;
    constraints.locked.assign(copyMasks.size(), false);
    constraints.floors.assign(copyMasks.size(), 0.0);
    copyMasks.setMasks(selectMasks(scores, copyMasks.masks(), 1.0 - sparsity, !layerwise, constraints, names));
    copyMasks.applyToWeights();
    return copy;
}

BenchRow measure(Model& model, const MaskSet& masks, const TensorDataset& test, const BenchRequest& request)
{
    torch::NoGradGuard noGrad;
    model.module.eval();
    BenchRow row;
    for (const auto& p : model.module.parameters()) {
        row.parameters += p.numel();
        row.nonzeros += p.ne(0).sum().item<std::int64_t>();
    }
    row.denseBytes = 4 * row.parameters;
    std::int64_t prunable = 0;
    std::int64_t prunableZero = 0;
    row.compressedBytes = row.denseBytes;
    for (const auto& t : masks.tensors()) {
        const auto n = t.weight.numel();
        const auto nz = t.weight.ne(0).sum().item<std::int64_t>();
        prunable += n;
        prunableZero += n - nz;
        row.compressedBytes += (n + 7) / 8 + 4 * nz - 4 * n;
    }
    row.sparsity = prunable > 0 ? double(prunableZero) / double(prunable) : 0.0;

    for (const auto batch : request.batches) {
        SparseExecution sparse(model, batch);
        if (row.latency.empty()) {
            for (const auto& layer : sparse.layers()) {
                row.macs += layer.macsPerSample;
                row.nonzeroMacs += layer.entries > 0 ? layer.macsPerSample * layer.nonzeros / layer.entries : 0;
            }
            const auto n = std::min<std::int64_t>(256, test.size());
            const auto x = test.images.slice(0, 0, n);
            row.maxDifference = (model.forward(x) - sparse.forward(x)).abs().max().item<double>();
        }
        auto shape = model.inputShape;
        shape.insert(shape.begin(), batch);
        const auto x = torch::randn(shape);
        model.forward(x); // warm-up
        sparse.forward(x);
        std::vector<double> dense, fast;
        for (int i = 0; i < request.repeats; ++i) { // taking turns, so drift hits both alike
            auto start = std::chrono::steady_clock::now();
            model.forward(x);
            dense.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            start = std::chrono::steady_clock::now();
            sparse.forward(x);
            fast.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        BenchLatency latency{batch, median(dense), median(fast), 0, {}};
        for (const auto& layer : sparse.layers()) {
            latency.sparseLayers += layer.sparse ? 1 : 0;
            latency.layers.push_back({layer.layer, layer.entries > 0 ? double(layer.nonzeros) / double(layer.entries) : 1.0,
                                      layer.denseMs, layer.sparseMs, layer.sparse});
        }
        row.latency.push_back(latency);
    }
    return row;
}

} // namespace

BenchResult runBench(const BenchRequest& request)
{
    if (request.batches.empty())
        throw InputError("bench: --batches needs at least one batch size");
    for (const auto b : request.batches)
        if (b < 1)
            throw InputError("bench: batch size " + std::to_string(b) + " must be at least 1");
    for (const auto s : request.sparsities)
        if (!(s >= 0.0 && s < 1.0))
            throw InputError("bench: sparsity " + std::to_string(s) + " must be in [0, 1)");
    if (request.repeats < 1)
        throw InputError("bench: --repeats must be at least 1");
    prepareTorchRuntime(request.threads);
    torch::manual_seed(request.seed);
    const auto data = loadData(request.data, request.seed);
    auto model = makeModel(request.model, data.sampleShape, data.numClasses);
    MaskSet masks(findPrunableTensors(model.module, {}));
    importModelState(request.model, model, masks);

    BenchResult result;
    result.model = model.name;
    result.threads = resolvedThreads(request.threads);
    if (request.sparsities.empty()) {
        result.rows.push_back(measure(model, masks, data.test, request));
        return result;
    }
    for (const double s : request.sparsities) {
        auto pruned = prunedCopy(model, masks, s, request.layerwise);
        MaskSet prunedMasks(findPrunableTensors(pruned.module, {}));
        result.rows.push_back(measure(pruned, prunedMasks, data.test, request));
    }
    return result;
}

} // namespace espalier::core
