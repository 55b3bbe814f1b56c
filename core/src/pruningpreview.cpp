#include "pruningpreview.h"

#include <algorithm>

#include "espalier/core/errors.h"
#include "moduleaccess.h"
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
    Model copy = model;
    copy.module = model.module.deepcopy();
    std::vector<PrunableTensor> tensors;
    std::vector<std::string> names;
    std::vector<torch::Tensor> current;
    for (std::size_t i = 0; i < masks.size(); ++i) {
        const auto& name = masks.tensors()[i].name;
        auto [owner, attr] = attributeOwner(copy.module, name);
        tensors.push_back({name, owner.attr(attr).toTensor()});
        names.push_back(name);
        current.push_back(masks.mask(i).clone());
    }
    MaskSet copyMasks(tensors);
    copyMasks.setMasks(current);

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
