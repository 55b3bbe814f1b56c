#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace espalier::core {

/// Per-layer constraints on a selection.
struct SelectionConstraints {
    std::vector<bool> locked;   ///< layer keeps its current mask unchanged
    std::vector<double> floors; ///< minimum density per layer (0 = none)
    bool keepOnePerLayer = false; ///< "clamp" collapse policy: no layer drops to zero weights
};

/// k = ⌊density · n⌋, guarded against the representation error of density (0.02·266200 must give 5324).
std::int64_t keepCount(double density, std::int64_t n);

/// Chooses new masks from scores. Only entries kept by `current` compete (masks only shrink); ties are
/// broken by index (the lower flat index wins) so the kept count is exact: global allocation keeps
/// ⌊density · N⌋ over all layers, layerwise ⌊density · N_l⌋ per layer, except where locks or floors
/// force more. Throws InputError when a score is NaN (naming the layer via `names`).
std::vector<torch::Tensor> selectMasks(const std::vector<torch::Tensor>& scores, const std::vector<torch::Tensor>& current,
                                       double density, bool global, const SelectionConstraints& constraints,
                                       const std::vector<std::string>& names);

} // namespace espalier::core
