#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "prunable.h"

namespace espalier::core {

/// Entries of a tensor that is not prunable (a removed channel's bias or BatchNorm γ and β) held at
/// zero exactly like masked weights; `keep` has the tensor's shape.
struct HeldEntries {
    torch::Tensor tensor;
    torch::Tensor keep;
};

/// One explicit bool mask per prunable tensor (no hooks, no reparametrisation). The invariant the
/// session keeps: a weight whose mask is false is exactly zero after every optimizer step.
class MaskSet {
public:
    MaskSet() = default;
    explicit MaskSet(const std::vector<PrunableTensor>& tensors);

    [[nodiscard]] std::size_t size() const { return m_masks.size(); }
    [[nodiscard]] const torch::Tensor& mask(std::size_t layer) const { return m_masks[layer]; }
    [[nodiscard]] const std::vector<torch::Tensor>& masks() const { return m_masks; }
    /// The mask of `layer` keeps every entry (nothing to multiply).
    [[nodiscard]] bool keepsAll(std::size_t layer) const { return m_keepsAll[layer]; }

    /// Replaces every mask (shapes must match; bool tensors).
    void setMasks(std::vector<torch::Tensor> masks);

    /// Entries held at zero besides the masked weights (a channel cut's biases and BatchNorm
    /// entries); applyToWeights, maskGradients and maskOptimizerState treat them like masked weights.
    void setHeldEntries(std::vector<HeldEntries> held) { m_held = std::move(held); }
    [[nodiscard]] const std::vector<HeldEntries>& heldEntries() const { return m_held; }

    /// Zeroes the masked weights in place.
    void applyToWeights();
    /// Zeroes the gradient of masked weights so that momentum and weight decay never move them.
    void maskGradients();
    /// Zeroes optimizer state (momentum, Adam moments) of masked entries: a newly pruned weight must
    /// not be pushed back by momentum accumulated before it was pruned.
    void maskOptimizerState(torch::optim::Optimizer& optimizer);

    [[nodiscard]] std::int64_t kept(std::size_t layer) const;
    [[nodiscard]] std::int64_t numel(std::size_t layer) const { return m_masks[layer].numel(); }
    [[nodiscard]] std::int64_t totalKept() const;
    [[nodiscard]] std::int64_t totalNumel() const;
    /// Fraction of prunable weights that are zero by mask.
    [[nodiscard]] double sparsity() const;
    /// Non-zero weights in masked positions of `layer` ("mask drift"); 0 when the invariant holds.
    [[nodiscard]] std::int64_t drift(std::size_t layer) const;

    [[nodiscard]] const std::vector<PrunableTensor>& tensors() const { return m_tensors; }

private:
    std::vector<PrunableTensor> m_tensors;
    std::vector<torch::Tensor> m_masks;
    /// The mask keeps every entry: the per-batch multiplies skip the layer (the dense phase then
    /// costs what an unmasked loop costs).
    std::vector<bool> m_keepsAll;
    std::vector<HeldEntries> m_held;
};

} // namespace espalier::core
