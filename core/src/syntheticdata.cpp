#include "syntheticdata.h"

#include <ATen/CPUGeneratorImpl.h>

namespace espalier::core {

namespace {

// Prototypes are N(0, 1) per pixel; with noise of the same scale the classes overlap per pixel
// but are far apart over 784 pixels, so even a linear model learns them within an epoch.
constexpr double kNoiseStd = 1.0;

RawSplit drawSplit(const torch::Tensor& prototypes, std::int64_t n, at::Generator& gen) {
    auto labels = torch::randint(kSyntheticClasses, {n}, gen, torch::kLong);
    auto shape = prototypes.sizes().vec();
    shape[0] = n;
    auto noise = torch::randn(shape, gen, torch::kFloat32);
    auto images = prototypes.index_select(0, labels).add_(noise, kNoiseStd);
    return {images, labels};
}

} // namespace

RawDataset makeSyntheticDataset(std::uint64_t seed, std::int64_t trainSize, std::int64_t testSize,
                                const std::vector<std::int64_t>& sampleShape) {
    auto gen = at::detail::createCPUGenerator(seed);
    std::vector<std::int64_t> shape{kSyntheticClasses};
    shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
    const auto prototypes = torch::randn(shape, gen, torch::kFloat32);
    RawDataset data;
    data.train = drawSplit(prototypes, trainSize, gen);
    data.test = drawSplit(prototypes, testSize, gen);
    data.numClasses = kSyntheticClasses;
    data.displayName = "Synthetic";
    return data;
}

} // namespace espalier::core
