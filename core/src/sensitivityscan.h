#pragma once

#include <atomic>

#include <torch/torch.h>

#include "dataset.h"
#include "espalier/core/sensitivity.h"
#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// Checks `settings` (scoring method, sparsities in [0, 1), sample counts; InputError naming what
/// is wrong) and sorts and deduplicates its sparsities.
void checkSensitivitySettings(SensitivitySettings& settings);

/// Scans `model` as it is (masks applied): for each prunable tensor and sparsity, a copy with only
/// that tensor pruned (top-k of the method's scores among the weights `masks` keeps; a layer already
/// sparser keeps its mask) is evaluated on `test`. `model`, `masks` and `generator` are not changed.
/// The result is cached by a hash of every parameter, buffer and mask, the test data and the
/// settings; a cached table comes back with fromCache set. Throws Cancelled when `cancel` is set.
SensitivityTable scanSensitivity(const Model& model, const MaskSet& masks, const TensorDataset& train,
                                 const TensorDataset& test, const SensitivitySettings& settings,
                                 const torch::Generator& generator, const SensitivityProgress& progress = {},
                                 const std::atomic<bool>* cancel = nullptr);

} // namespace espalier::core
