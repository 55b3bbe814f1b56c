#pragma once

#include <cstdint>
#include <vector>

#include "dataset.h"
#include "espalier/core/bench.h"
#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// What deploying `model` as it is would cost: parameters and non-zeros, stored bytes (dense and in
/// checkpoint.h5's layout), multiply–accumulates, the largest logit difference of sparse against
/// dense execution on the first 256 samples of `test`, and the median latency of both at each batch
/// size, the two taking turns. `masks` names the prunable tensors; the model is put in eval mode.
BenchRow measureDeployment(Model& model, const MaskSet& masks, const TensorDataset& test,
                           const std::vector<std::int64_t>& batches, int repeats);

} // namespace espalier::core
