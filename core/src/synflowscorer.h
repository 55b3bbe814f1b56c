#pragma once

#include <vector>

#include <torch/torch.h>

#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// SynFlow synaptic saliency (Tanaka et al. 2020, algorithms.md §7.2), data-free: on a deep copy of
/// the module converted to float64 with |·| applied to every floating parameter and buffer (BN
/// running statistics included), in eval mode, R = Σ model(ones(1, C, H, W)) and the score of a
/// prunable weight is |∂R/∂θ ⊙ θ|, returned as float32 in the live weight's shape. Masked weights are
/// zero in the live model, so they score 0. The live model is never touched. One call is one scoring
/// pass; the iterative method (100 rounds in the paper) is the session's rounds mechanism.
std::vector<torch::Tensor> synflowScores(const Model& model, const MaskSet& masks);

} // namespace espalier::core
