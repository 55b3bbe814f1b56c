#include "dataset.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string_view>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>

#include "cifarreader.h"
#include "espalier/core/errors.h"
#include "hdf5datareader.h"
#include "idxreader.h"
#include "syntheticdata.h"

namespace espalier::core {

namespace {

constexpr std::array<std::string_view, 8> kDatasetNames = {
    "fashion-mnist", "mnist", "kmnist", "cifar10", "cifar100", "hdf5", "synthetic", "synthetic-cifar"};

/// Per-channel statistics of the [0, 1]-scaled training images; empty means "only scale uint8
/// to [0, 1]" (HDF5 and synthetic data).
struct Normalisation {
    std::vector<float> mean;
    std::vector<float> std;
};

// The usual constants from the torchvision examples (reference/algorithms.md §3).
const Normalisation kMnistNorm{{0.1307F}, {0.3081F}};
const Normalisation kFashionNorm{{0.28604F}, {0.35302F}};
const Normalisation kKmnistNorm{{0.1918F}, {0.3483F}};
const Normalisation kCifar10Norm{{0.4914F, 0.4822F, 0.4465F}, {0.2023F, 0.1994F, 0.2010F}};
const Normalisation kCifar100Norm{{0.5071F, 0.4867F, 0.4408F}, {0.2675F, 0.2565F, 0.2761F}};

std::string validNames() {
    std::string s;
    for (const auto name : kDatasetNames)
        s += (s.empty() ? "" : ", ") + std::string(name);
    return s;
}

RawDataset readRaw(const DataSpec& spec, std::uint64_t seed, Normalisation& norm) {
    std::string name = spec.name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name == "fashion-mnist") {
        norm = kFashionNorm;
        return loadIdxDataset(spec.root, "Fashion-MNIST");
    }
    if (name == "mnist") {
        norm = kMnistNorm;
        return loadIdxDataset(spec.root, "MNIST");
    }
    if (name == "kmnist") {
        norm = kKmnistNorm;
        return loadIdxDataset(spec.root, "KMNIST");
    }
    if (name == "cifar10") {
        norm = kCifar10Norm;
        return loadCifarDataset(spec.root, 10);
    }
    if (name == "cifar100") {
        norm = kCifar100Norm;
        return loadCifarDataset(spec.root, 100);
    }
    if (name == "hdf5")
        return loadHdf5Dataset(spec.root);
    if (name == "synthetic")
        return makeSyntheticDataset(seed);
    if (name == "synthetic-cifar") {
        auto data = makeSyntheticDataset(seed, kSyntheticTrainSize, kSyntheticTestSize, {3, 32, 32});
        data.displayName = "Synthetic CIFAR-shaped";
        return data;
    }
    throw InputError("data.name: unknown dataset '" + spec.name + "' (valid: " + validNames() + ")");
}

/// uint8 images become float32 x/255, then (x - mean)/std per channel; float images are taken
/// as they are. The time goes into first-touching the float tensor (~150 ms for 60000 images),
/// so a hand-written single-pass lookup table measured no faster than these tensor ops.
torch::Tensor normalise(const torch::Tensor& images, const Normalisation& norm) {
    if (images.scalar_type() != torch::kUInt8)
        return images.to(torch::kFloat32);
    auto x = images.to(torch::kFloat32);
    if (norm.mean.empty())
        return x.mul_(1.0F / 255.0F);
    const auto channels = static_cast<std::size_t>(x.size(1));
    TORCH_CHECK(norm.mean.size() == channels && norm.std.size() == channels,
                "normalisation constants do not match the channel count");
    if (channels == 1)
        return x.mul_(1.0F / (255.0F * norm.std[0])).sub_(norm.mean[0] / norm.std[0]);
    auto scale = torch::empty({1, x.size(1), 1, 1}, torch::kFloat32);
    auto shift = torch::empty({1, x.size(1), 1, 1}, torch::kFloat32);
    for (std::size_t c = 0; c < channels; ++c) {
        scale.data_ptr<float>()[c] = 1.0F / (255.0F * norm.std[c]);
        shift.data_ptr<float>()[c] = norm.mean[c] / norm.std[c];
    }
    return x.mul_(scale).sub_(shift);
}

/// The first `limit` samples in file order (all of them when the file holds fewer). Float
/// images are copied so that the rest of the file's tensor is freed; uint8 ones are copied by
/// normalise() anyway.
RawSplit applyTrainLimit(const RawSplit& train, const std::optional<std::int64_t>& limit) {
    if (!limit || *limit >= train.size())
        return train;
    auto images = train.images.narrow(0, 0, *limit);
    auto labels = train.labels.narrow(0, 0, *limit);
    if (images.scalar_type() != torch::kUInt8)
        images = images.clone();
    return {images, labels.clone()};
}

TensorDataset take(const TensorDataset& set, const torch::Tensor& indices) {
    return {set.images.index_select(0, indices), set.labels.index_select(0, indices)};
}

} // namespace

DataBundle loadData(const DataSpec& spec, std::uint64_t seed) {
    if (!std::isfinite(spec.validation) || spec.validation < 0.0 || spec.validation >= 1.0)
        throw InputError("data.validation must be in [0, 1), got " + std::to_string(spec.validation));
    if (spec.trainLimit && *spec.trainLimit <= 0)
        throw InputError("data.train_limit must be a positive number of samples, got " +
                         std::to_string(*spec.trainLimit));

    Normalisation norm;
    RawDataset raw = readRaw(spec, seed, norm);
    const RawSplit limited = applyTrainLimit(raw.train, spec.trainLimit);

    DataBundle bundle;
    bundle.numClasses = raw.numClasses;
    bundle.train = {normalise(limited.images, norm), limited.labels};
    bundle.test = {normalise(raw.test.images, norm), raw.test.labels};
    const auto sample = bundle.train.images.sizes().slice(1);
    bundle.sampleShape.assign(sample.begin(), sample.end());

    const std::int64_t n = bundle.train.size();
    const auto nValidation =
        static_cast<std::int64_t>(std::llround(spec.validation * static_cast<double>(n)));
    if (nValidation > 0) {
        if (nValidation >= n)
            throw InputError("data.validation = " + std::to_string(spec.validation) +
                             " leaves no training samples out of " + std::to_string(n));
        // The held-out set is the tail of a seeded permutation; both parts are sorted back into
        // file order so that "the first N training samples" stays meaningful after the split.
        auto gen = at::detail::createCPUGenerator(seed);
        const auto perm = torch::randperm(n, gen, torch::kLong);
        const auto trainIdx = std::get<0>(perm.narrow(0, 0, n - nValidation).sort());
        const auto validationIdx = std::get<0>(perm.narrow(0, n - nValidation, nValidation).sort());
        bundle.validation = take(bundle.train, validationIdx);
        bundle.train = take(bundle.train, trainIdx);
    }

    bundle.description = raw.displayName + " (" + std::to_string(bundle.train.size()) + " train, ";
    if (bundle.validation.size() > 0)
        bundle.description += std::to_string(bundle.validation.size()) + " validation, ";
    bundle.description += std::to_string(bundle.test.size()) + " test)";
    return bundle;
}

} // namespace espalier::core
