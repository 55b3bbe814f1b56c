#pragma once

#include <cstdint>
#include <vector>

#include "channelgraph.h"
#include "channelplan.h"

namespace espalier::core {

/// How many channels to remove and how to spread the removal.
struct ChannelTargets {
    double fraction = 0.5;   ///< of the prunable channels
    bool global = false;     ///< one ranking over all layers (slimming) instead of `fraction` per layer group
    std::int64_t roundTo = 1; ///< kept channels per group rounded up to a multiple (hardware-friendly widths)
};

/// Removes the lowest-scoring prunable classes. Classes scored NaN and blocked classes stay. Then
/// every group's kept count is rounded up to a multiple of roundTo (best removed classes return
/// first) and no layer is left without a channel: the best of its classes comes back (the
/// layer-collapse guard).
ChannelKeep selectChannels(const ChannelGraph& graph, const std::vector<double>& scores, const ChannelTargets& targets);

} // namespace espalier::core
