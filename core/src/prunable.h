#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/script.h>

namespace espalier::core {

/// A weight tensor the session may prune: a Conv/Linear weight (rank ≥ 2, name ending in "weight").
struct PrunableTensor {
    std::string name;     ///< full parameter name, e.g. "layer1_0.conv1.weight"
    torch::Tensor weight; ///< shares storage with the module's parameter
};

/// True when `pattern` (glob with * and ?) matches `name` or `name` without its ".weight" suffix.
bool layerPatternMatches(const std::string& pattern, const std::string& name);

/// Finds the prunable tensors of `module` in registration (network) order, leaving out every one
/// matched by a pattern in `exclude`. A pattern that matches no prunable tensor is an InputError that
/// lists the available names, so a typo never silently prunes everything.
std::vector<PrunableTensor> findPrunableTensors(const torch::jit::Module& module,
                                                const std::vector<std::string>& exclude);

/// Index of the prunable tensor named by `pattern` (exact name or glob); InputError naming `key`
/// when nothing matches.
std::vector<std::size_t> matchLayers(const std::vector<PrunableTensor>& tensors, const std::string& pattern,
                                     const std::string& key);

} // namespace espalier::core
