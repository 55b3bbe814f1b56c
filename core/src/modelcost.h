#pragma once

#include <cstdint>
#include <vector>

#include <torch/script.h>

namespace espalier::core {

/// What a model costs to store and run, per sample.
struct ModelCost {
    std::int64_t parameters = 0;
    std::int64_t multiplyAccumulates = 0; ///< of the Conv and Linear layers, per sample (FLOPs ≈ 2×)
};

/// Counts parameters and runs one sample of shape `input` {C,H,W} through an instrumented copy of
/// the forward graph to read every Conv/Linear output shape, so the count follows the real
/// computation (padding, strides, pooling) rather than a model description.
ModelCost measureCost(const torch::jit::Module& module, const std::vector<std::int64_t>& input);

/// Median forward latency in milliseconds of each module on a batch of `batch` random inputs of
/// shape `input`, eval mode, without gradients; the modules take turns run by run so that a noisy
/// machine slows them alike. `repeats` timed runs each after a warm-up.
std::vector<double> compareLatency(const std::vector<torch::jit::Module>& modules, const std::vector<std::int64_t>& input,
                                   std::int64_t batch, int repeats);

} // namespace espalier::core
