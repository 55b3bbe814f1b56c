#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace espalier::core {

/// One prunable tensor copied out of a session as plain values, for the mask inspector. All
/// vectors are row-major in `shape`; `weights` (a report stores none), `scores` and `previousMask`
/// are empty when there are none.
struct LayerTensors {
    std::string name;                     ///< parameter name, e.g. "conv1.weight"
    std::vector<std::int64_t> shape;      ///< e.g. {out, in, kh, kw} for a conv weight
    std::vector<float> weights;           ///< current values (0 where masked)
    std::vector<float> scores;            ///< saliency of the last scoring pass
    std::vector<std::uint8_t> mask;       ///< 1 = kept
    std::vector<std::uint8_t> previousMask; ///< the mask before the last round changed it
    int round = 0;                        ///< round of `mask` (0 = before the first)
};

} // namespace espalier::core
