#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/script.h>

namespace espalier::core {

/// One dimension of one tensor that is indexed by channels: a producer's weight rows, its bias, the
/// BatchNorm entries that follow it, or a consumer's input columns. Entry block k (of `expand`
/// consecutive entries, e.g. the H·W features one channel becomes after flatten) belongs to
/// channel atom `atoms[k]`.
struct ChannelSlice {
    /// What the tensor is to these channels; scorers read producer weights and BatchNorm γ.
    enum class Role { Producer, ProducerBias, NormWeight, NormBias, NormStatistic, Consumer };
    Role role = Role::Producer;
    std::string tensor; ///< parameter or buffer name, e.g. "layer1_0.bn1.running_mean"
    int dim = 0;
    std::int64_t expand = 1;
    std::vector<int> atoms;
};

/// A constant_pad_nd on the channel dimension (option-A ResNet shortcuts): zero channels before
/// and after. When both amounts are module attributes they shrink with the pruning; constants pin
/// the padded channels.
struct ChannelPad {
    std::string beforeAttribute; ///< empty when the amount is a constant
    std::string afterAttribute;
    std::vector<int> beforeAtoms; ///< the zero channels, one atom each
    std::vector<int> afterAtoms;
};

/// The output channels of one Conv or Linear layer.
struct ChannelLayer {
    std::string name;   ///< "layer1_0.conv1"
    std::string weight; ///< "layer1_0.conv1.weight"
    int firstAtom = 0;
    std::int64_t channels = 0;
};

/// The channel dependencies of a TorchScript model, found by walking its inlined forward graph.
/// Every output channel of a Conv/Linear is an atom; atoms joined by a residual addition fall in
/// one class, and a class is pruned as a whole or not at all, so the pruned model always runs.
struct ChannelGraph {
    std::vector<ChannelLayer> layers;
    std::vector<ChannelSlice> slices;
    std::vector<ChannelPad> pads;
    std::vector<int> atomLayer;          ///< per atom: index into layers, or -1 for a padded zero channel
    std::vector<int> classOf;            ///< per atom: its class, 0..classCount-1
    int classCount = 0;
    std::vector<std::string> blockedBy;  ///< per class: why it may not be pruned; empty when it may
    std::vector<int> groupOf;            ///< per class: the coupled group (layers sharing classes)
    int groupCount = 0;

    /// Classes that contain at least one layer channel and are not blocked.
    [[nodiscard]] bool prunable(int cls) const;
};

/// Numbers the classes (atoms with one union-find root, `rootOf[a]`), carries each atom's block
/// reason to its class, and groups layers that share a class. Used by analyseChannels.
void assignClassesAndGroups(ChannelGraph& graph, const std::vector<int>& rootOf,
                            const std::vector<std::string>& atomBlock);

/// Walks `module`'s forward graph. Operations the walk does not know block the channels they
/// touch (with the operation named in blockedBy) instead of failing, so an exotic model is pruned
/// where it is safe and left alone elsewhere.
ChannelGraph analyseChannels(const torch::jit::Module& module);

} // namespace espalier::core
