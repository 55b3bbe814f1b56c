#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/script.h>
#include <torch/torch.h>

#include "espalier/core/recipe.h"

namespace espalier::core {

/// A network as one TorchScript module, whether built from the zoo or loaded from a file, so that
/// every model exports with torch.jit.save and loads in Python with torch.jit.load.
struct Model {
    torch::jit::Module module;
    std::string name;                     ///< zoo name or file path
    std::vector<std::int64_t> inputShape; ///< {C, H, W}
    int numClasses = 0;

    torch::Tensor forward(const torch::Tensor& input) { return module.forward({input}).toTensor(); }
    /// Every trainable parameter (weights, biases, BN affine), in registration order.
    [[nodiscard]] std::vector<torch::Tensor> parameters() const;
};

/// Names of the built-in architectures.
const std::vector<std::string>& zooModelNames();

/// True when `name` is a zoo name (otherwise it is taken as a TorchScript path).
bool isZooModel(const std::string& name);

/// Builds a zoo model for inputs of `inputShape` {C,H,W} and `numClasses` outputs, initialised as in
/// the reference implementations (reference/algorithms.md §2). Uses the global torch RNG.
Model buildZooModel(const ModelSpec& spec, const std::vector<std::int64_t>& inputShape, int numClasses);

/// Loads a TorchScript module saved from Python or by Espalier. Throws InputError naming the file.
Model loadTorchScriptModel(const std::string& path);

/// Builds or loads the model of `spec` and checks that it maps a batch of `inputShape` to
/// `numClasses` outputs (InputError otherwise).
Model makeModel(const ModelSpec& spec, const std::vector<std::int64_t>& inputShape, int numClasses);

} // namespace espalier::core
