#pragma once

#include <torch/torch.h>

#include "espalier/core/snapshot.h"

namespace espalier::core {

/// log10 |score| histogram of one layer, kept and pruned counted apart. Bins span the layer's own
/// range of non-zero scores (data-adaptive, so a layer's distribution is never squashed into one bin).
SaliencyHistogram makeSaliencyHistogram(const torch::Tensor& scores, const torch::Tensor& mask, int bins = 48);

} // namespace espalier::core
