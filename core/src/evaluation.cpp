#include "espalier/core/evaluation.h"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>

#include "activationsparsity.h"
#include "espalier/core/errors.h"
#include "dataset.h"
#include "logitsfile.h"
#include "maskset.h"
#include "modelimport.h"
#include "model.h"
#include "prunable.h"
#include "pruningpreview.h"
#include "sparseexecution.h"
#include "timing.h"
#include "torchruntime.h"
#include "trainer.h"

namespace espalier::core {

namespace {

struct LoadedModel {
    DataBundle data;
    Model model;
    MaskSet masks;
};

LoadedModel loadModel(const ModelSpec& modelSpec, const DataSpec& dataSpec, std::uint64_t seed, int threads)
{
    prepareTorchRuntime(threads);
    torch::manual_seed(seed);
    LoadedModel m;
    m.data = loadData(dataSpec, seed);
    m.model = makeModel(modelSpec, m.data.sampleShape, m.data.numClasses);
    m.masks = MaskSet(findPrunableTensors(m.model.module, {}));
    importModelState(modelSpec, m.model, m.masks);
    return m;
}

ModelEvaluation evaluateLoaded(LoadedModel& m)
{
    auto& model = m.model;
    const auto quality = evaluate(model, m.data.test);
    const auto& data = m.data;

    ModelEvaluation result;
    result.model = model.name;
    result.dataset = data.description;
    result.testAccuracy = quality.accuracy;
    result.testLoss = quality.loss;
    result.samples = quality.samples;
    std::int64_t total = 0;
    std::int64_t nonZero = 0;
    for (const auto& t : findPrunableTensors(model.module, {})) {
        LayerStats s;
        s.name = t.name;
        s.shape.assign(t.weight.sizes().begin(), t.weight.sizes().end());
        s.numel = t.weight.numel();
        s.kept = t.weight.ne(0).sum().item<std::int64_t>();
        s.collapsed = s.kept == 0;
        total += s.numel;
        nonZero += s.kept;
        result.layers.push_back(std::move(s));
    }
    result.sparsity = total > 0 ? 1.0 - double(nonZero) / double(total) : 0.0;
    return result;
}

// The test set through dense LibTorch and through sparse execution, pass by pass in turns so both
// see the same machine load; accuracy and the logit difference come from the last pass.
SparseEvaluation evaluateSparse(Model& model, const TensorDataset& test, int passes, bool allSparse)
{
    torch::NoGradGuard noGrad;
    model.module.eval();
    constexpr std::int64_t kBatch = 1000;
    SparseEvaluation out;
    out.batch = std::min<std::int64_t>(kBatch, std::max<std::int64_t>(1, test.size()));
    out.passes = passes;
    SparseExecution sparse(model, out.batch, /*repeats=*/20, allSparse);
    out.layers = std::int64_t(sparse.layers().size());
    for (const auto& layer : sparse.layers())
        out.sparseLayers += layer.sparse ? 1 : 0;
    std::vector<double> denseTimes;
    std::vector<double> sparseTimes;
    for (int pass = 0; pass < passes; ++pass) {
        std::int64_t correct = 0;
        double maxDifference = 0.0;
        double denseSeconds = 0.0;
        double sparseSeconds = 0.0;
        for (std::int64_t start = 0; start < test.size(); start += out.batch) {
            const auto end = std::min(test.size(), start + out.batch);
            const auto x = test.images.slice(0, start, end);
            auto began = std::chrono::steady_clock::now();
            const auto dense = model.forward(x);
            denseSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
            began = std::chrono::steady_clock::now();
            const auto logits = sparse.forward(x);
            sparseSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
            correct += logits.argmax(1).eq(test.labels.slice(0, start, end)).sum().item<std::int64_t>();
            maxDifference = std::max(maxDifference, (logits - dense).abs().max().item<double>());
        }
        denseTimes.push_back(denseSeconds);
        sparseTimes.push_back(sparseSeconds);
        out.testAccuracy = test.size() > 0 ? double(correct) / double(test.size()) : 0.0;
        out.maxLogitDifference = maxDifference;
    }
    out.denseSeconds = median(denseTimes);
    out.sparseSeconds = median(sparseTimes);
    return out;
}

} // namespace

ModelEvaluation evaluateModel(const ModelSpec& modelSpec, const DataSpec& dataSpec, std::uint64_t seed, int threads,
                              const EvaluationOptions& options)
{
    auto loaded = loadModel(modelSpec, dataSpec, seed, threads);
    if (!options.logits.path.empty())
        writeLogits(loaded.model, loaded.data.test, options.logits.samples, options.logits.path);
    auto result = evaluateLoaded(loaded);
    if (options.sparseExecution)
        result.sparse = evaluateSparse(loaded.model, loaded.data.test, std::max(1, options.passes), options.allSparse);
    return result;
}

ModelPreview previewModel(const ModelSpec& modelSpec, const DataSpec& dataSpec, std::uint64_t seed, int threads,
                          const PreviewRequest& request)
{
    checkPreviewRequest(request.method, request.sparsity);
    auto loaded = loadModel(modelSpec, dataSpec, seed, threads);
    ModelPreview out;
    out.base = evaluateLoaded(loaded);
    // The saved zeros are the mask a preview starts from: pruned weights stay pruned.
    std::vector<torch::Tensor> current;
    for (const auto& t : loaded.masks.tensors())
        current.push_back(t.weight.ne(0));
    loaded.masks.setMasks(current);
    PreviewSettings settings;
    settings.method = request.method;
    settings.sparsity = request.sparsity;
    settings.global = request.global;
    settings.constraints.locked.assign(loaded.masks.size(), false);
    settings.constraints.floors.assign(loaded.masks.size(), 0.0);
    settings.scoring.samples = request.scoringSamples;
    settings.scoring.fileOrder = true;
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto outcome = previewPruning(loaded.model, loaded.masks, settings, loaded.data.train, loaded.data.test, generator);
    out.sparsity = outcome.sparsity;
    out.testAccuracy = outcome.testAccuracy;
    out.testLoss = outcome.testLoss;
    out.layers = out.base.layers;
    for (std::size_t i = 0; i < out.layers.size() && i < outcome.kept.size(); ++i) {
        out.layers[i].kept = outcome.kept[i];
        out.layers[i].collapsed = outcome.kept[i] == 0;
    }
    return out;
}

std::vector<ActivationSparsityPoint> evaluateModelActivationSparsity(const ModelSpec& modelSpec, const DataSpec& dataSpec,
                                                                     std::uint64_t seed, int threads,
                                                                     const std::vector<double>& keepFractions)
{
    if (keepFractions.empty())
        throw InputError("--activation-keep: give at least one fraction");
    auto loaded = loadModel(modelSpec, dataSpec, seed, threads);
    std::vector<ActivationSparsityPoint> out;
    for (double keep : keepFractions) {
        const auto r = evaluateActivationSparsity(loaded.model, loaded.data.test, keep);
        ActivationSparsityPoint p;
        p.keepFraction = keep;
        p.testAccuracy = r.testAccuracy;
        p.skippedWork = r.skippedWork;
        for (const auto& l : r.layers) {
            p.layers.push_back(l.layer);
            p.inputZeroFraction.push_back(l.zeroFraction);
        }
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace espalier::core
