#include "idxreader.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <future>
#include <limits>
#include <vector>

#include <zlib.h>

#include "espalier/core/errors.h"

namespace espalier::core {

namespace {

constexpr std::uint8_t kIdxTypeUint8 = 0x08;
constexpr std::int64_t kMnistSide = 28;
constexpr std::int64_t kMnistClasses = 10;
// Guards the allocation against a corrupt header that promises absurd sizes.
constexpr std::uint64_t kMaxIdxBytes = std::uint64_t{1} << 34;

/// Closes the gzFile on every path out, including exceptions.
class GzFile {
public:
    explicit GzFile(const std::string& path) : m_file(gzopen(path.c_str(), "rb")) {
        if (m_file != nullptr)
            gzbuffer(m_file, 1U << 18); // the 8 KiB default costs time on a 47 MB image file
    }
    ~GzFile() {
        if (m_file != nullptr)
            gzclose(m_file);
    }
    GzFile(const GzFile&) = delete;
    GzFile& operator=(const GzFile&) = delete;
    [[nodiscard]] gzFile get() const { return m_file; }

    /// Reads up to `size` bytes; returns how many were read (fewer at end of file or on a
    /// truncated gzip stream). Throws for a corrupt stream.
    std::uint64_t read(void* buffer, std::uint64_t size, const std::string& path) {
        auto* out = static_cast<unsigned char*>(buffer);
        std::uint64_t total = 0;
        while (total < size) {
            const auto chunk = static_cast<unsigned>(
                std::min<std::uint64_t>(size - total, std::numeric_limits<int>::max() / 2));
            const int got = gzread(m_file, out + total, chunk);
            if (got < 0) {
                int code = 0;
                throw InputError(path + ": cannot decompress (" + gzerror(m_file, &code) + ")");
            }
            if (got == 0)
                break;
            total += static_cast<std::uint64_t>(got);
        }
        return total;
    }

private:
    gzFile m_file;
};

std::string describeShape(const torch::Tensor& t) {
    std::string s;
    for (std::int64_t d = 0; d < t.dim(); ++d)
        s += (d ? " x " : "") + std::to_string(t.size(d));
    return s;
}

/// "name.gz" if it exists, else "name", else InputError naming both.
std::string resolveIdxPath(const std::filesystem::path& root, const std::string& name) {
    const auto gz = root / (name + ".gz");
    if (std::filesystem::is_regular_file(gz))
        return gz.string();
    const auto plain = root / name;
    if (std::filesystem::is_regular_file(plain))
        return plain.string();
    throw InputError(gz.string() + ": file not found (nor " + plain.filename().string() + ")");
}

RawSplit readIdxPair(const std::filesystem::path& root, const std::string& prefix) {
    const auto imagesPath = resolveIdxPath(root, prefix + "-images-idx3-ubyte");
    const auto labelsPath = resolveIdxPath(root, prefix + "-labels-idx1-ubyte");
    auto images = readIdxFile(imagesPath);
    auto labels = readIdxFile(labelsPath);
    if (images.dim() != 3 || images.size(1) != kMnistSide || images.size(2) != kMnistSide)
        throw InputError(imagesPath + ": wrong image size " + describeShape(images) +
                         ", expected N x 28 x 28");
    if (labels.dim() != 1)
        throw InputError(labelsPath + ": labels must be one-dimensional, found " + describeShape(labels));
    if (images.size(0) != labels.size(0))
        throw InputError(imagesPath + ": holds " + std::to_string(images.size(0)) + " images but " +
                         labelsPath + " holds " + std::to_string(labels.size(0)) + " labels");
    if (labels.numel() > 0) {
        const auto maxLabel = labels.max().item<std::int64_t>();
        if (maxLabel >= kMnistClasses)
            throw InputError(labelsPath + ": label " + std::to_string(maxLabel) + " out of range [0, 10)");
    }
    return {images.unsqueeze(1), labels.to(torch::kLong)};
}

} // namespace

torch::Tensor readIdxFile(const std::string& path) {
    if (!std::filesystem::is_regular_file(path))
        throw InputError(path + ": file not found");
    GzFile file(path);
    if (file.get() == nullptr)
        throw InputError(path + ": cannot open");

    std::array<std::uint8_t, 4> magic{};
    if (file.read(magic.data(), magic.size(), path) != magic.size())
        throw InputError(path + ": truncated IDX header");
    if (magic[0] != 0 || magic[1] != 0 || magic[2] != kIdxTypeUint8 || magic[3] == 0 || magic[3] > 4) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", magic[0], magic[1], magic[2], magic[3]);
        throw InputError(path + ": bad IDX magic 0x" + hex +
                         " (expected 0x000008NN: unsigned bytes, rank 1 to 4)");
    }

    const int rank = magic[3];
    std::vector<std::int64_t> dims(rank);
    std::uint64_t count = 1;
    for (int d = 0; d < rank; ++d) {
        std::array<std::uint8_t, 4> be{};
        if (file.read(be.data(), be.size(), path) != be.size())
            throw InputError(path + ": truncated IDX header");
        const std::uint64_t dim = (std::uint64_t{be[0]} << 24) | (std::uint64_t{be[1]} << 16) |
                                  (std::uint64_t{be[2]} << 8) | std::uint64_t{be[3]};
        dims[d] = static_cast<std::int64_t>(dim);
        if (dim != 0 && count > kMaxIdxBytes / dim)
            throw InputError(path + ": IDX header promises an implausible size");
        count *= dim;
    }

    auto data = torch::empty(dims, torch::kUInt8);
    const auto got = file.read(data.data_ptr<std::uint8_t>(), count, path);
    if (got != count)
        throw InputError(path + ": truncated file, the header promises " + std::to_string(count) +
                         " data bytes but only " + std::to_string(got) + " are present");
    return data;
}

RawDataset loadIdxDataset(const std::string& root, const std::string& displayName) {
    const std::filesystem::path dir(root);
    if (!std::filesystem::is_directory(dir))
        throw InputError(root + ": dataset folder not found");
    // Decompressing is most of the load time; the test files decompress alongside the training
    // files. The future's destructor waits if the training files throw first.
    auto test = std::async(std::launch::async, [&dir] { return readIdxPair(dir, "t10k"); });
    RawDataset data;
    data.train = readIdxPair(dir, "train");
    data.test = test.get();
    data.numClasses = static_cast<int>(kMnistClasses);
    data.displayName = displayName;
    return data;
}

} // namespace espalier::core
