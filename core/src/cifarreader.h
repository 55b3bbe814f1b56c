#pragma once

#include <string>

#include "rawdataset.h"

namespace espalier::core {

/// Loads the CIFAR binary format from `root` (or its cifar-10-batches-bin / cifar-100-binary
/// subfolder). `numClasses` 10: data_batch_1..5.bin + test_batch.bin, records of one label byte
/// + 3072 CHW bytes. `numClasses` 100: train.bin + test.bin, records of coarse + fine label
/// bytes + 3072; the fine label is used. Images are uint8 [N, 3, 32, 32].
RawDataset loadCifarDataset(const std::string& root, int numClasses);

} // namespace espalier::core
