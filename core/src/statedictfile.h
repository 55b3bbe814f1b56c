#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

namespace espalier::core {

/// One entry of a state_dict: a parameter or buffer name and its tensor.
struct NamedTensor {
    std::string name;
    torch::Tensor tensor;
};

/// Reads a state_dict that Python saved with `torch.save(model.state_dict(), path)` (the zip
/// format, PyTorch ≥ 1.6), in the order it was saved. A dict holding the state_dict under
/// "state_dict" or "model_state_dict" (a training checkpoint) is accepted too. Throws InputError
/// naming the file (and the key) when it is missing, truncated, a TorchScript archive, in the
/// legacy pre-1.6 format, or not a dict of tensors.
std::vector<NamedTensor> readStateDictFile(const std::string& path);

} // namespace espalier::core
