// espalier-cli bench: sizes, work and measured latency of dense and sparse execution, side by side.
#include "espalier/core/bench.h"

#include "dataset.h"
#include "deploymentmeasure.h"
#include "espalier/core/errors.h"
#include "maskselection.h"
#include "maskset.h"
#include "model.h"
#include "modelcopy.h"
#include "modelimport.h"
#include "prunable.h"
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
        result.rows.push_back(measureDeployment(model, masks, data.test, request.batches, request.repeats));
        return result;
    }
    for (const double s : request.sparsities) {
        auto pruned = prunedCopy(model, masks, s, request.layerwise);
        MaskSet prunedMasks(findPrunableTensors(pruned.module, {}));
        result.rows.push_back(measureDeployment(pruned, prunedMasks, data.test, request.batches, request.repeats));
    }
    return result;
}

} // namespace espalier::core
