#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/script.h>

#include "channelgraph.h"

namespace espalier::core {

/// Which channel classes of a ChannelGraph survive (true = kept), one entry per class.
using ChannelKeep = std::vector<bool>;

/// Kept output channels of each layer of `graph`, in layer order.
std::vector<std::int64_t> keptChannels(const ChannelGraph& graph, const ChannelKeep& keep);

/// Kept entries of each channel-indexed dimension of `name`'s tensor, as indices into that dimension.
torch::Tensor keptIndices(const ChannelSlice& slice, const ChannelGraph& graph, const ChannelKeep& keep);

/// Which entries of a tensor of `shape` survive the slice's channels under `keep`: a bool tensor of
/// `shape` (the mask a channel cut puts on a producer or consumer weight).
torch::Tensor keptEntries(const ChannelSlice& slice, const ChannelGraph& graph, const ChannelKeep& keep,
                          at::IntArrayRef shape);

/// Parameter count of the model `shrinkModule` would build, computed from shapes alone.
std::int64_t predictedParameters(const torch::jit::Module& module, const ChannelGraph& graph, const ChannelKeep& keep);

/// A deep copy of `module` whose tensors have lost the removed channels (producer rows, biases,
/// BatchNorm entries, consumer columns) and whose channel paddings shrank to match: a smaller dense
/// model that runs without masks and saves as ordinary TorchScript.
torch::jit::Module shrinkModule(const torch::jit::Module& module, const ChannelGraph& graph, const ChannelKeep& keep);

/// Zeroes the removed channels' producer rows, biases and BatchNorm affine entries in place, so the
/// channels output zero: the masked dense model that shrinkModule's output equals (in eval mode).
void zeroRemovedChannels(torch::jit::Module& module, const ChannelGraph& graph, const ChannelKeep& keep);

} // namespace espalier::core
