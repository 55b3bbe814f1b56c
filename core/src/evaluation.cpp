#include "espalier/core/evaluation.h"


#include "dataset.h"
#include "logitsfile.h"
#include "maskset.h"
#include "modelimport.h"
#include "model.h"
#include "prunable.h"
#include "torchruntime.h"
#include "trainer.h"

namespace espalier::core {

ModelEvaluation evaluateModel(const ModelSpec& modelSpec, const DataSpec& dataSpec, std::uint64_t seed, int threads,
                              const LogitsExport& logits)
{
    prepareTorchRuntime(threads);
    torch::manual_seed(seed);
    auto data = loadData(dataSpec, seed);
    auto model = makeModel(modelSpec, data.sampleShape, data.numClasses);
    MaskSet masks(findPrunableTensors(model.module, {}));
    importModelState(modelSpec, model, masks);
    if (!logits.path.empty())
        writeLogits(model, data.test, logits.samples, logits.path);
    const auto quality = evaluate(model, data.test);

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

} // namespace espalier::core
