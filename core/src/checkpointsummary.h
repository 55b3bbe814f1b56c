#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace espalier::core {

/// True when `path` is an HDF5 file whose root attribute format is "espalier-sparse-checkpoint".
bool isSparseCheckpointFile(const std::string& path);

/// What `espalier-cli inspect` shows for a sparse checkpoint: per sparse tensor name, shape, numel,
/// kept and density; the dense tensors; the file's size next to the bytes of the dense tensors it
/// stands for. Reads (and so checks) every tensor; InputError names the file and the tensor.
nlohmann::json summarizeSparseCheckpoint(const std::string& path);

/// The summary as readable text.
std::string renderSparseCheckpoint(const nlohmann::json& summary);

} // namespace espalier::core
