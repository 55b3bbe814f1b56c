#pragma once

#include <cstdint>
#include <vector>

#include "rawdataset.h"

namespace espalier::core {

inline constexpr std::int64_t kSyntheticTrainSize = 2048;
inline constexpr std::int64_t kSyntheticTestSize = 512;
inline constexpr int kSyntheticClasses = 10;

/// A small learnable set for tests: 10 classes of float32 [N, C, H, W] (default 1×28×28, the
/// Fashion-MNIST shape; "synthetic-cifar" uses 3×32×32), each class a fixed random prototype plus
/// Gaussian noise. The same seed gives the same tensors.
RawDataset makeSyntheticDataset(std::uint64_t seed, std::int64_t trainSize = kSyntheticTrainSize,
                                std::int64_t testSize = kSyntheticTestSize,
                                const std::vector<std::int64_t>& sampleShape = {1, 28, 28});

} // namespace espalier::core
