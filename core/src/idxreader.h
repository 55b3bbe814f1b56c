#pragma once

#include <string>

#include <torch/torch.h>

#include "rawdataset.h"

namespace espalier::core {

/// Reads a uint8 IDX file (magic 0x0000 08 <rank>, big-endian dimensions), gzipped or plain
/// (zlib reads both transparently). Returns a uint8 tensor shaped by the header's dimensions.
/// Throws InputError naming `path` for a missing file, a bad magic, or fewer bytes than the
/// header promises.
torch::Tensor readIdxFile(const std::string& path);

/// Loads the MNIST layout (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-...) from
/// `root`, each file either with or without a .gz suffix. Images become [N, 1, 28, 28] uint8.
/// Checks the image size, the image/label counts and that labels are in [0, 10).
RawDataset loadIdxDataset(const std::string& root, const std::string& displayName);

} // namespace espalier::core
