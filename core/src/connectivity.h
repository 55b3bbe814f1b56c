#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "model.h"

namespace espalier::core {

/// Which kept weights still lie on an input→output path.
struct Connectivity {
    bool outputReachable = true;               ///< some path from the input reaches the output
    std::vector<std::int64_t> effectiveKept;   ///< per prunable tensor
    std::int64_t effectiveTotal = 0;
};

/// One synaptic-flow pass (SynFlow's R with binary weights) on a float64 copy of the model: kept
/// weights = 1, pruned = 0, biases 0, BN as identity, every other tensor |θ|, input all ones. R > 0
/// iff a path survives; a kept weight is effective iff ∂R/∂w > 0. Through max-pooling only the
/// winning branch carries gradient, so for max-pooled nets the effective count is a lower bound.
/// `names` are the prunable parameter names, `masks` their (candidate) masks.
Connectivity analyseConnectivity(const Model& model, const std::vector<std::string>& names,
                                 const std::vector<torch::Tensor>& masks);

} // namespace espalier::core
