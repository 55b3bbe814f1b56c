#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "dataset.h"
#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// Largest batch of one Taylor scoring pass: the scoring samples are cut into batches of this size.
inline constexpr std::int64_t kTaylorBatch = 128;

/// First-order Taylor importance per weight (Molchanov et al. 2019, algorithms.md §11):
/// I = (∂L/∂w ⊙ w)², computed per batch of at most `maxBatch` consecutive samples of `samples` and
/// averaged over the batches (the last one may be smaller). Cross-entropy loss (mean over the
/// batch), model in eval mode (BN in inference mode), as SNIP scores here.
std::vector<torch::Tensor> taylorScores(Model& model, const MaskSet& masks, const TensorDataset& samples,
                                        std::int64_t maxBatch = kTaylorBatch);

} // namespace espalier::core
