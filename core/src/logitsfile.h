#pragma once

#include <cstdint>
#include <string>

#include "dataset.h"
#include "model.h"

namespace espalier::core {

/// Runs `model` (eval mode, no gradients) on the first `samples` samples of `data` in file order
/// and writes an HDF5 file atomically: /inputs (float32, N×C×H×W, the exact batch), /logits
/// (float32, N×classes), /labels (int64, N), root attributes format = "espalier-logits",
/// format_version = 1, espalier_version, model. InputError when `samples` is not in 1..size.
void writeLogits(Model& model, const TensorDataset& data, std::int64_t samples, const std::string& path);

} // namespace espalier::core
