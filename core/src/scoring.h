#pragma once

#include <map>
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
    const std::map<std::string, double>& methodParams; ///< the recipe's method_params
};

/// Names of the methods this build can score with.
const std::vector<std::string>& scoringMethods();

/// Scores every prunable tensor with `method` (magnitude, random, snip, grasp, synflow, taylor).
/// Throws InputError for an unknown method or an invalid method parameter.
std::vector<torch::Tensor> computeScores(const std::string& method, ScoringContext& context);

/// Checks the method_params that `method` reads (InputError naming method_params.<key>), so that a
/// bad value can be reported before any training; computeScores checks them again.
void checkMethodParams(const std::string& method, const std::map<std::string, double>& params);

/// The scoring batch: the first N training samples in file order, or N drawn with the generator.
TensorDataset scoringBatch(const TensorDataset& train, const ScoringSettings& settings, torch::Generator& generator);

/// SNIP connection sensitivity |∂L/∂w ⊙ w| on one batch (Lee et al. 2019), cross-entropy loss,
/// model in eval mode (BN in inference mode, as the official code scores).
std::vector<torch::Tensor> snipScores(Model& model, const MaskSet& masks, const TensorDataset& batch);

/// The tensors of `module` named like the prunable tensors of `masks`, in the same order (for a
/// clone of the model). Throws std::runtime_error when one is missing.
std::vector<torch::Tensor> weightsByName(const torch::jit::Module& module, const MaskSet& masks);

/// torch::autograd::grad that tolerates a weight the output does not depend on (its gradient is zero).
std::vector<torch::Tensor> gradients(const torch::Tensor& output, const std::vector<torch::Tensor>& inputs,
                                     bool createGraph = false);

/// `method_params[key]`, or `fallback` when absent.
double methodParam(const std::map<std::string, double>& params, const std::string& key, double fallback);

} // namespace espalier::core
