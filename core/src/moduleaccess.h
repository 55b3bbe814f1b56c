#pragma once

#include <string>
#include <utility>

#include <torch/script.h>

namespace espalier::core {

/// The submodule that owns the dotted parameter or buffer `name` ("layer1_0.conv1.weight") and the
/// attribute's last component ("weight"), so the slot can be rebound with setattr.
std::pair<torch::jit::Module, std::string> attributeOwner(const torch::jit::Module& root, const std::string& name);

/// The tensor (parameter or buffer) named by the dotted `name`.
torch::Tensor namedTensor(const torch::jit::Module& root, const std::string& name);

bool endsWith(const std::string& text, const std::string& suffix);

} // namespace espalier::core
