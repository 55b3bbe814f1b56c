#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <torch/script.h>

namespace espalier::core {

/// `module`'s forward graph (a copy) with every method and function call inlined.
std::shared_ptr<torch::jit::Graph> inlinedForward(const torch::jit::Module& module);

/// Eval-mode view of a graph: `self.training` reads become False and the branches they guard
/// (Python BatchNorm's running-stats bookkeeping) fold away, so the tensors they choose between
/// are seen by name.
void specialiseForInference(std::shared_ptr<torch::jit::Graph>& graph);

/// Compile-time values of graph inputs, when they are constants.
std::optional<c10::IValue> constantValue(const torch::jit::Value* v);
std::optional<std::int64_t> constantInt(const torch::jit::Value* v);
/// An int list, constant or built from constant ints.
std::optional<std::vector<std::int64_t>> constantInts(const torch::jit::Value* v);

/// The dotted attribute path a value is read from ("conv1.weight" for self.conv1.weight); "layer"
/// when it is not read from an attribute.
std::string attributePath(const torch::jit::Value* v);

/// "aten::sigmoid (x = torch.sigmoid(self.fc1.forward(x)))": the op and its first source line.
std::string describeNode(const torch::jit::Node* node);

} // namespace espalier::core
