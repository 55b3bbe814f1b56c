#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "dataset.h"
#include "espalier/core/recipe.h"
#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// What a scorer may look at. Scores are per prunable tensor, same shape; higher = more worth keeping.
struct ScoringContext {
    Model& model;
    const MaskSet& masks;
    const TensorDataset& train;
    const ScoringSettings& settings;
    torch::Generator& generator;
};

/// Names of the methods this build can score with.
const std::vector<std::string>& scoringMethods();

/// Scores every prunable tensor with `method` (magnitude, random, snip). Throws InputError for an
/// unknown method.
std::vector<torch::Tensor> computeScores(const std::string& method, ScoringContext& context);

/// The scoring batch: the first N training samples in file order, or N drawn with the generator.
TensorDataset scoringBatch(const TensorDataset& train, const ScoringSettings& settings, torch::Generator& generator);

/// SNIP connection sensitivity |∂L/∂w ⊙ w| on one batch (Lee et al. 2019), cross-entropy loss,
/// model in eval mode (BN in inference mode, as the official code scores).
std::vector<torch::Tensor> snipScores(Model& model, const MaskSet& masks, const TensorDataset& batch);

} // namespace espalier::core
