#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "channelgraph.h"
#include "dataset.h"
#include "model.h"

namespace espalier::core {

/// How channels are ranked (reference/algorithms.md §11, §13, §14); higher = more worth keeping.
enum class ChannelCriterion {
    L1,             ///< Σ|w| of the channel's filter (Li et al. 2017), over the layer's mean
    BatchNormGamma, ///< |γ| of the BatchNorm entry after the channel (network slimming)
    Taylor,         ///< (Σ g·w)² over the channel's filters, averaged over batches (Molchanov 2019)
    Random,
};

/// "l1-filter", "slimming", "taylor", "random"; InputError naming `key` otherwise.
ChannelCriterion parseChannelCriterion(const std::string& name, const std::string& key);
const std::vector<std::string>& channelCriterionNames();

/// One score per channel class of `graph`; a class the criterion cannot score (slimming on a
/// layer without BatchNorm) gets NaN and is then kept. Coupled classes average their members, so
/// a channel shared by a residual stream is comparable to a plain one. Taylor reads `samples` in
/// batches of at most 128; Random draws from `generator`.
std::vector<double> channelScores(Model& model, const ChannelGraph& graph, ChannelCriterion criterion,
                                  const TensorDataset& samples, torch::Generator& generator);

} // namespace espalier::core
