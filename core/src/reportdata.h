#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "espalier/core/snapshot.h"

namespace espalier::core {

/// One prunable tensor's mask (and optionally its scores) as plain bytes, row-major in `shape`.
struct MaskData {
    std::string name;                 ///< parameter name, e.g. "fc1.weight" or "features.0.weight"
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> mask;   ///< 1 = kept, 0 = pruned
    std::vector<float> scores;        ///< optional (empty = not written)
};

/// Everything report.h5 holds (DESIGN.md, "Files"), as torch-free values.
struct ReportContent {
    std::string recipeJson;
    std::string model;
    std::string dataset;
    std::string method;
    std::uint64_t seed = 0;
    double finalSparsity = 0.0;
    double finalTestAccuracy = 0.0;
    double finalEffectiveSparsity = 0.0; ///< kept weights off every input→output path count as pruned
    std::vector<LayerStats> layers;   ///< same order as masks
    std::vector<MaskData> masks;
    std::vector<RoundRecord> rounds;
    std::vector<EpochRecord> epochs;
    std::vector<double> curveSparsity; ///< one point per round
    std::vector<double> curveAccuracy;
    std::vector<std::string> events;
};

} // namespace espalier::core
