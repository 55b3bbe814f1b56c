#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "espalier/core/snapshot.h"
#include "espalier/core/structured.h"

namespace espalier::cli {

/// "98.00 %": every sparsity and accuracy the CLI prints goes through here.
std::string percent(double fraction);

/// Per-layer table: name, shape, parameters, kept, density.
std::string layerTable(const std::vector<core::LayerStats>& layers);

/// Per-layer channel table of structured pruning: channels before and after, coupled group, and
/// why a layer kept channels it could not lose.
std::string channelTable(const std::vector<core::ChannelLayerReport>& layers);
nlohmann::json channelLayersJson(const std::vector<core::ChannelLayerReport>& layers);

/// Per-round table: target and reached sparsity, losses, accuracies, seconds.
std::string roundTable(const std::vector<core::RoundRecord>& rounds);

nlohmann::json layersJson(const std::vector<core::LayerStats>& layers);
nlohmann::json roundsJson(const std::vector<core::RoundRecord>& rounds);
nlohmann::json epochsJson(const std::vector<core::EpochRecord>& epochs);

} // namespace espalier::cli
