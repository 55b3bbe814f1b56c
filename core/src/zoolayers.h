#pragma once

#include <cstdint>
#include <string>

#include <torch/script.h>

namespace espalier::core::zoo {

/// How a layer's weight is initialised (reference/algorithms.md §2).
enum class WeightInit {
    PyTorchDefault,     ///< kaiming_uniform(a=√5), i.e. U(±1/√fan_in); bias U(±1/√fan_in)
    KaimingNormalFanOut, ///< VGG convs (GraSP): N(0, 2/fan_out)
    KaimingNormalFanIn,  ///< ResNet convs and fc: N(0, 2/fan_in)
    Normal001,           ///< VGG classifier: N(0, 0.01), bias 0
};

/// A new, empty scripted module with a unique class name under `owner` and a `training` flag.
torch::jit::Module makeModule(const std::string& className);

torch::jit::Module makeLinear(const std::string& className, std::int64_t in, std::int64_t out, WeightInit init);

torch::jit::Module makeConv(const std::string& className, std::int64_t in, std::int64_t out, std::int64_t kernel,
                            std::int64_t stride, std::int64_t padding, bool bias, WeightInit init);

/// BatchNorm2d (γ=1, β=0, running stats, momentum 0.1, eps 1e-5) that honours `training`.
torch::jit::Module makeBatchNorm(const std::string& className, std::int64_t channels);

} // namespace espalier::core::zoo
