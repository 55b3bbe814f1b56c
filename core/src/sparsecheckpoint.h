#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// One tensor restored from a sparse checkpoint.
struct CheckpointTensor {
    std::string name;     ///< parameter or buffer name, e.g. "fc1.weight"
    torch::Tensor value;  ///< dense, in its saved dtype; pruned entries are 0
    torch::Tensor mask;   ///< bool, for tensors stored sparse; undefined for dense ones
};

/// The content of a sparse checkpoint (docs/formats.md, "checkpoint.h5").
struct SparseCheckpoint {
    std::string model;                    ///< zoo name or model path that wrote it
    std::string espalierVersion;
    std::vector<CheckpointTensor> tensors; ///< sparse ones first (network order), then dense ones
};

/// Writes every prunable tensor of `masks` as a packed bitmask plus its kept values, and every other
/// parameter and buffer of `model` dense, atomically. Deflate is used where it shrinks a dataset.
void writeSparseCheckpoint(const Model& model, const MaskSet& masks, const std::string& path);

/// Reads a sparse checkpoint back bit for bit. Throws InputError naming the file and the tensor when
/// the file is missing, truncated, of another format, or inconsistent (a bitmask that does not fit
/// the shape, a value count that differs from the kept count).
SparseCheckpoint readSparseCheckpoint(const std::string& path);

/// numpy.packbits order: entry i of the flattened mask is bit 7 - i % 8 of byte i / 8.
std::vector<std::uint8_t> packMask(const torch::Tensor& mask);
/// The inverse of packMask for `numel` entries, as a flat bool tensor.
torch::Tensor unpackMask(const std::vector<std::uint8_t>& bits, std::int64_t numel);

} // namespace espalier::core
