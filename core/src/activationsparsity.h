#pragma once

#include <string>
#include <vector>

#include <torch/script.h>

#include "dataset.h"
#include "model.h"

namespace espalier::core {

/// Per Conv/Linear layer: how many of its input activations were zero.
struct LayerActivationZeros {
    std::string layer;       ///< the layer's weight, e.g. "fc2.weight"
    double zeroFraction = 0; ///< of its input activations, over the evaluated samples
    std::int64_t macsPerSample = 0;
};

struct ActivationSparsityResult {
    double keepFraction = 1.0;
    double testAccuracy = 0.0;
    double testLoss = 0.0;
    /// Multiply–accumulates whose activation operand is zero, as a fraction of all Conv/Linear
    /// multiply–accumulates: the work a kernel that skips zero activations would not do.
    double skippedWork = 0.0;
    std::vector<LayerActivationZeros> layers;
};

/// Dynamic activation sparsity at inference: evaluates `model` on `test` with every Conv/Linear
/// input after the first (the data itself stays whole) cut to its `keepFraction` largest-magnitude
/// entries per sample, the rest set to zero. The model is not changed: the forward graph is copied
/// and rewritten. keepFraction 1 measures the zeros the ReLUs already produce.
ActivationSparsityResult evaluateActivationSparsity(const Model& model, const TensorDataset& test, double keepFraction,
                                                    std::int64_t batch = 500);

} // namespace espalier::core
