#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "dataset.h"
#include "espalier/core/recipe.h"
#include "espalier/core/snapshot.h"
#include "maskset.h"
#include "model.h"
#include "reportdata.h"

namespace espalier::core {

/// Saves the model as TorchScript (masks are already folded in: pruned weights are zero), atomically.
void saveTorchScript(Model& model, const std::string& path);

/// Masks (and scores, when given) as plain MaskData in network order.
std::vector<MaskData> maskData(const MaskSet& masks, const std::vector<torch::Tensor>& scores);

/// Writes /masks/<name> (and /scores/<name> when scores are given) to an HDF5 file.
void writeMasks(const MaskSet& masks, const std::vector<torch::Tensor>& scores, const std::string& path);

/// Writes report.h5 for the state in `snapshot`; `recipe` is stored as the replayable recipe, `method`
/// is the method in effect.
void writeSessionReport(const Recipe& recipe, const std::string& method, const Model& model, const DataBundle& data,
                        const MaskSet& masks,
                        const Snapshot& snapshot, const std::string& path);

} // namespace espalier::core
