#pragma once

#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "dataset.h"
#include "espalier/core/recipe.h"
#include "maskselection.h"
#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// A candidate pruning step to try without committing it.
struct PreviewSettings {
    std::string method; ///< a scorer: magnitude, random, snip, grasp, synflow (one round), taylor
    double sparsity = 0.0;
    bool global = true;
    SelectionConstraints constraints;
    ScoringSettings scoring;
    std::map<std::string, double> methodParams;
};

struct PreviewOutcome {
    double sparsity = 0.0; ///< reached: locks and floors can keep more than asked
    double testAccuracy = 0.0;
    double testLoss = 0.0;
    std::vector<std::int64_t> kept; ///< per prunable tensor
};

/// InputError unless `method` is a scoring method and `sparsity` lies in [0, 1).
void checkPreviewRequest(const std::string& method, double sparsity);

/// Ephemeral pruning: scores a deep copy of `model` with `settings.method`, masks the copy at
/// `settings.sparsity` (only weights `masks` keeps compete, as in a real round) and evaluates it on
/// `test`. `model`, `masks` and `generator` are left exactly as they were; the copy is discarded.
/// Throws InputError for a method that cannot preview (ESPN, GMP and IMP prune through training).
PreviewOutcome previewPruning(const Model& model, const MaskSet& masks, const PreviewSettings& settings,
                              const TensorDataset& train, const TensorDataset& test, const torch::Generator& generator);

} // namespace espalier::core
