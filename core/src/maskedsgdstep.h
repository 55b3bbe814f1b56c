#pragma once

#include <torch/torch.h>

#include "maskset.h"

namespace espalier::core {

/// One step of `optimizer` (torch::optim::SGD: weight decay, momentum, dampening, Nesterov) with
/// the masks folded in: a masked entry's gradient counts as zero and the entry is zero afterwards,
/// exactly as maskGradients(), optimizer.step() and applyToWeights() one after the other, but in
/// one pass per tensor instead of six. The momentum buffers stay in optimizer.state(), so saving,
/// resuming and maskOptimizerState work as before.
void maskedSgdStep(torch::optim::SGD& optimizer, const MaskSet& masks);

} // namespace espalier::core
