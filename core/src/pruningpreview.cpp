#include "pruningpreview.h"

#include <algorithm>

#include "espalier/core/errors.h"
#include "modelcopy.h"
#include "scoring.h"
#include "trainer.h"

namespace espalier::core {

void checkPreviewRequest(const std::string& method, double sparsity)
{
    const auto& methods = scoringMethods();
    if (std::find(methods.begin(), methods.end(), method) == methods.end()) {
        std::string list;
        for (const auto& m : methods)
            list += (list.empty() ? "" : ", ") + m;
        throw InputError("preview method '" + method + "': only scoring methods can preview (" + list +
                         "); ESPN, GMP and IMP choose their masks by training");
    }
    if (!(sparsity >= 0.0 && sparsity < 1.0))
        throw InputError("preview sparsity " + std::to_string(sparsity) + " must be in [0, 1)");
}

PreviewOutcome previewPruning(const Model& model, const MaskSet& masks, const PreviewSettings& settings,
                              const TensorDataset& train, const TensorDataset& test, const torch::Generator& generator)
{
    checkPreviewRequest(settings.method, settings.sparsity);
    checkMethodParams(settings.method, settings.methodParams);

    // Everything happens on a deep copy: scorers may touch gradients and buffers, and a request
    // from another thread must never see a half-masked model.
    auto [copy, copyMasks] = copyMaskedModel(model, masks);
    std::vector<std::string> names;
    for (const auto& t : masks.tensors())
        names.push_back(t.name);

    torch::Generator rng = generator.clone();
    ScoringContext context{copy, copyMasks, train, settings.scoring, rng, settings.methodParams};
    const auto scores = computeScores(settings.method, context);
    copyMasks.setMasks(
        selectMasks(scores, copyMasks.masks(), 1.0 - settings.sparsity, settings.global, settings.constraints, names));
    copyMasks.applyToWeights();

    const auto quality = evaluate(copy, test);
    PreviewOutcome out;
    out.sparsity = copyMasks.sparsity();
    out.testAccuracy = quality.accuracy;
    out.testLoss = quality.loss;
    for (std::size_t i = 0; i < copyMasks.size(); ++i)
        out.kept.push_back(copyMasks.kept(i));
    return out;
}

} // namespace espalier::core
