#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace espalier::core {

/// One value of the subset of Python pickles that torch.save writes for a state_dict.
struct PickleValue {
    enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor };
    Kind kind = Kind::None;
    std::int64_t integer = 0; ///< Bool, Int
    double real = 0.0;        ///< Float
    std::string text;         ///< String; Global: "module.name"
    /// Tuple and List elements; a Dict as key, value, key, value, ... in insertion order.
    std::vector<std::shared_ptr<PickleValue>> items;
    torch::Tensor tensor; ///< Tensor; Storage: the flat storage
};
using PickleRef = std::shared_ptr<PickleValue>;

/// Returns the storage torch.save stored under record `key`: `numel` elements of `dtype`.
using StorageLoader =
    std::function<torch::Tensor(const std::string& key, c10::ScalarType dtype, std::int64_t numel)>;

/// Decodes a pickle (protocol 2 to 5) holding dicts (also collections.OrderedDict), lists, tuples,
/// numbers, strings and tensors, the way Python's torch.save (or LibTorch's torch::pickle_save)
/// pickles a state_dict. LibTorch 1.13's own unpickler turns an OrderedDict into None, so it
/// cannot read a state_dict. Any other Python object throws std::runtime_error naming it; so do
/// truncated or malformed bytes.
PickleRef readPickle(const std::string& bytes, const StorageLoader& loadStorage);

} // namespace espalier::core
