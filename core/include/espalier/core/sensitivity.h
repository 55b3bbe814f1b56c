#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "espalier/core/recipe.h"

namespace espalier::core {

/// A per-layer sensitivity scan: for every prunable layer and every sparsity, the test accuracy
/// when only that layer is pruned (a what-if on a copy, without training).
struct SensitivitySettings {
    std::string method = "magnitude"; ///< a scoring method (magnitude, random, snip, grasp, synflow, taylor)
    std::vector<double> sparsities{0.5, 0.75, 0.9, 0.95, 0.98, 0.99};
    std::int64_t testSamples = 0; ///< evaluate on the first N test samples; 0 = all
    int scoringSamples = 100;     ///< first training samples, file order (snip, grasp, taylor)
};

struct SensitivityTable {
    std::vector<std::string> layers;
    std::vector<double> sparsities;
    std::vector<std::vector<double>> accuracy; ///< [layer][sparsity], fractions
    double baseAccuracy = 0.0;                 ///< the model as it is, on the same test samples
    bool fromCache = false; ///< the same model state, data and settings were scanned before
};

/// Per-layer floors (minimum density) from a scan, for global pruning that spares sensitive layers.
/// A layer's floor is 1 − the highest scanned sparsity up to which its accuracy stays within
/// `maxDrop` (a fraction, e.g. 0.01) of the base accuracy; 1 (kept whole) when it drops more
/// already at the lowest one. A layer within `maxDrop` at every scanned sparsity gets no floor.
std::map<std::string, double> floorsFromSensitivity(const SensitivityTable& table, double maxDrop);

/// Progress of a scan: cells done of all cells (layers × sparsities).
using SensitivityProgress = std::function<void(int done, int total)>;

/// Loads a saved model like evaluateModel and scans it. `cancel` (optional) stops the scan at the
/// next cell with Cancelled. Results are cached in memory by model state, data and settings.
SensitivityTable scanModelSensitivity(const ModelSpec& model, const DataSpec& data, std::uint64_t seed, int threads,
                                      const SensitivitySettings& settings, const SensitivityProgress& progress = {},
                                      const std::atomic<bool>* cancel = nullptr);

} // namespace espalier::core
