#pragma once

#include <string>
#include <vector>

#include "espalier/core/snapshot.h"

namespace espalier::core {

/// layers.csv (docs/formats.md): a header row, then one row per layer in the given order with
/// name, shape (e.g. 300x784), numel, kept, density, floor, locked, collapsed, effective_kept.
/// Fields are quoted as RFC 4180 asks (names with commas, quotes or line breaks); rows end in CRLF.
std::string layerCsv(const std::vector<LayerStats>& layers);

/// Writes layerCsv(layers) to `path` atomically.
void writeLayerCsv(const std::string& path, const std::vector<LayerStats>& layers);

} // namespace espalier::core
