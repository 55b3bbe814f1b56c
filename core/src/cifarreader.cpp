#include "cifarreader.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include "espalier/core/errors.h"

namespace espalier::core {

namespace {

constexpr std::int64_t kImageBytes = 3 * 32 * 32;

struct CifarLayout {
    std::vector<std::string> trainFiles;
    std::string testFile;
    std::int64_t labelBytes;  ///< label bytes before the image in each record
    std::int64_t labelOffset; ///< which of them is the class label
    std::string subfolder;    ///< the folder name inside the official archive
};

CifarLayout layoutFor(int numClasses) {
    if (numClasses == 10)
        return {{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                 "data_batch_5.bin"},
                "test_batch.bin",
                1,
                0,
                "cifar-10-batches-bin"};
    // CIFAR-100: coarse label, then fine label; the 100-class task uses the fine one.
    return {{"train.bin"}, "test.bin", 2, 1, "cifar-100-binary"};
}

RawSplit readCifarFile(const std::filesystem::path& path, const CifarLayout& layout, int numClasses) {
    const std::string name = path.string();
    if (!std::filesystem::is_regular_file(path))
        throw InputError(name + ": file not found");
    const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
    const std::int64_t recordBytes = layout.labelBytes + kImageBytes;
    if (bytes == 0 || bytes % recordBytes != 0)
        throw InputError(name + ": truncated or wrong format, " + std::to_string(bytes) +
                         " bytes is not a whole number of " + std::to_string(recordBytes) + "-byte records");

    auto raw = torch::empty({bytes / recordBytes, recordBytes}, torch::kUInt8);
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(raw.data_ptr<std::uint8_t>()), bytes))
        throw InputError(name + ": cannot read " + std::to_string(bytes) + " bytes");

    auto labels = raw.select(1, layout.labelOffset).to(torch::kLong);
    const auto maxLabel = labels.max().item<std::int64_t>();
    if (maxLabel >= numClasses)
        throw InputError(name + ": label " + std::to_string(maxLabel) + " out of range [0, " +
                         std::to_string(numClasses) + ")");
    auto images = raw.narrow(1, layout.labelBytes, kImageBytes).reshape({-1, 3, 32, 32});
    return {images.contiguous(), labels};
}

RawSplit concat(const std::vector<RawSplit>& parts) {
    if (parts.size() == 1)
        return parts.front();
    std::vector<torch::Tensor> images, labels;
    for (const auto& p : parts) {
        images.push_back(p.images);
        labels.push_back(p.labels);
    }
    return {torch::cat(images), torch::cat(labels)};
}

} // namespace

RawDataset loadCifarDataset(const std::string& root, int numClasses) {
    const CifarLayout layout = layoutFor(numClasses);
    std::filesystem::path dir(root);
    if (!std::filesystem::is_directory(dir))
        throw InputError(root + ": dataset folder not found");
    // Accept both the folder holding the .bin files and the folder the archive was extracted into.
    if (!std::filesystem::exists(dir / layout.testFile) &&
        std::filesystem::exists(dir / layout.subfolder / layout.testFile))
        dir /= layout.subfolder;

    std::vector<RawSplit> train;
    for (const auto& file : layout.trainFiles)
        train.push_back(readCifarFile(dir / file, layout, numClasses));

    RawDataset data;
    data.train = concat(train);
    data.test = readCifarFile(dir / layout.testFile, layout, numClasses);
    data.numClasses = numClasses;
    data.displayName = numClasses == 10 ? "CIFAR-10" : "CIFAR-100";
    return data;
}

} // namespace espalier::core
