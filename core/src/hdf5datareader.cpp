#include "hdf5datareader.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

#include <hdf5.h>

#include "espalier/core/errors.h"

namespace espalier::core {

namespace {

// numClasses is max label + 1; a stray huge label would otherwise build an absurd output layer.
constexpr std::int64_t kMaxClasses = 1 << 20;

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class H5Handle {
public:
    using Closer = herr_t (*)(hid_t);
    H5Handle(hid_t id, Closer close) : m_id(id), m_close(close) {}
    ~H5Handle() {
        if (m_id >= 0)
            m_close(m_id);
    }
    H5Handle(H5Handle&& other) noexcept : m_id(std::exchange(other.m_id, -1)), m_close(other.m_close) {}
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;
    H5Handle& operator=(H5Handle&&) = delete;
    [[nodiscard]] hid_t get() const { return m_id; }
    [[nodiscard]] bool valid() const { return m_id >= 0; }

private:
    hid_t m_id;
    Closer m_close;
};

/// HDF5 prints its error stack to stderr by default; our InputError says what is wrong instead.
class QuietHdf5Errors {
public:
    QuietHdf5Errors() {
        H5Eget_auto2(H5E_DEFAULT, &m_func, &m_data);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, m_func, m_data); }
    QuietHdf5Errors(const QuietHdf5Errors&) = delete;
    QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;

private:
    H5E_auto2_t m_func = nullptr;
    void* m_data = nullptr;
};

class Hdf5DataReader {
public:
    Hdf5DataReader(std::string path, hid_t file) : m_path(std::move(path)), m_file(file) {}

    [[nodiscard]] bool has(const std::string& key) const {
        return H5Lexists(m_file, key.c_str(), H5P_DEFAULT) > 0;
    }

    /// X as uint8 or float32 [N, C, H, W]; rank 3 (N, H, W) gets C = 1.
    torch::Tensor readImages(const std::string& key) const {
        H5Handle dataset = open(key);
        std::vector<std::int64_t> dims = shapeOf(dataset, key);
        if (dims.size() == 3)
            dims.insert(dims.begin() + 1, 1);
        else if (dims.size() != 4)
            throw error("dataset '" + key + "' has rank " + std::to_string(dims.size()) +
                        ", expected 3 (N,H,W) or 4 (N,C,H,W)");
        if (dims[0] == 0)
            throw error("dataset '" + key + "' holds no samples");

        H5Handle type(H5Dget_type(dataset.get()), H5Tclose);
        const H5T_class_t cls = H5Tget_class(type.get());
        torch::Tensor out;
        hid_t memType = -1;
        if (cls == H5T_INTEGER && H5Tget_size(type.get()) == 1 && H5Tget_sign(type.get()) == H5T_SGN_NONE) {
            out = torch::empty(dims, torch::kUInt8);
            memType = H5T_NATIVE_UINT8;
        } else if (cls == H5T_FLOAT) {
            out = torch::empty(dims, torch::kFloat32);
            memType = H5T_NATIVE_FLOAT;
        } else {
            throw error("dataset '" + key + "' must hold uint8 or floating-point values");
        }
        if (H5Dread(dataset.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data_ptr()) < 0)
            throw error("cannot read dataset '" + key + "'");
        return out;
    }

    /// y as int64 [N]; rank 1, or rank 2 with one column.
    torch::Tensor readLabels(const std::string& key) const {
        H5Handle dataset = open(key);
        const std::vector<std::int64_t> dims = shapeOf(dataset, key);
        if (!(dims.size() == 1 || (dims.size() == 2 && dims[1] == 1)))
            throw error("dataset '" + key + "' has rank " + std::to_string(dims.size()) +
                        ", expected 1 (N labels)");
        H5Handle type(H5Dget_type(dataset.get()), H5Tclose);
        if (H5Tget_class(type.get()) != H5T_INTEGER)
            throw error("dataset '" + key + "' must hold integer labels");
        auto out = torch::empty({dims[0]}, torch::kLong);
        if (H5Dread(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data_ptr()) < 0)
            throw error("cannot read dataset '" + key + "'");
        if (out.numel() > 0) {
            const auto minLabel = out.min().item<std::int64_t>();
            if (minLabel < 0)
                throw error("dataset '" + key + "' holds the negative label " + std::to_string(minLabel));
        }
        return out;
    }

    RawSplit readSplit(const std::string& imagesKey, const std::string& labelsKey) const {
        auto images = readImages(imagesKey);
        auto labels = readLabels(labelsKey);
        if (images.size(0) != labels.size(0))
            throw error("'" + imagesKey + "' holds " + std::to_string(images.size(0)) + " samples but '" +
                        labelsKey + "' holds " + std::to_string(labels.size(0)) + " labels");
        return {images, labels};
    }

    [[nodiscard]] InputError error(const std::string& what) const { return InputError(m_path + ": " + what); }

private:
    H5Handle open(const std::string& key) const {
        if (!has(key))
            throw error("missing dataset '" + key + "'");
        H5Handle dataset(H5Dopen2(m_file, key.c_str(), H5P_DEFAULT), H5Dclose);
        if (!dataset.valid())
            throw error("'" + key + "' is not a dataset");
        return dataset;
    }

    std::vector<std::int64_t> shapeOf(const H5Handle& dataset, const std::string& key) const {
        H5Handle space(H5Dget_space(dataset.get()), H5Sclose);
        const int rank = H5Sget_simple_extent_ndims(space.get());
        if (rank < 0)
            throw error("cannot read the shape of '" + key + "'");
        std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
        H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
        return {dims.begin(), dims.end()};
    }

    std::string m_path;
    hid_t m_file;
};

} // namespace

RawDataset loadHdf5Dataset(const std::string& path) {
    if (!std::filesystem::is_regular_file(path))
        throw InputError(path + ": file not found");
    QuietHdf5Errors quiet;
    H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.valid())
        throw InputError(path + ": not a readable HDF5 file");
    const Hdf5DataReader reader(path, file.get());

    RawDataset data;
    data.train = reader.readSplit("X", "y");
    if (reader.has("X_test") || reader.has("y_test")) {
        data.test = reader.readSplit("X_test", "y_test");
        if (data.test.images.sizes().slice(1) != data.train.images.sizes().slice(1))
            throw reader.error("samples of 'X_test' and 'X' differ in shape");
    } else {
        // No test set in the file: the last 1/6 of the samples in file order become the test set
        // (MNIST's 60000/10000 proportion), so the split is reproducible by any tool.
        const std::int64_t n = data.train.size();
        const std::int64_t nTest = n / 6;
        if (nTest == 0)
            throw reader.error("'X' holds " + std::to_string(n) +
                               " samples, too few to hold out a test set (need 6, or X_test/y_test)");
        auto& train = data.train;
        data.test = {train.images.narrow(0, n - nTest, nTest).clone(),
                     train.labels.narrow(0, n - nTest, nTest).clone()};
        train = {train.images.narrow(0, 0, n - nTest).clone(), train.labels.narrow(0, 0, n - nTest).clone()};
    }

    const auto maxLabel = std::max(data.train.labels.max().item<std::int64_t>(),
                                   data.test.size() > 0 ? data.test.labels.max().item<std::int64_t>() : 0);
    if (maxLabel >= kMaxClasses)
        throw reader.error("label " + std::to_string(maxLabel) +
                           " is too large (numClasses = max label + 1)");
    data.numClasses = static_cast<int>(maxLabel + 1);
    data.displayName = "HDF5 " + std::filesystem::path(path).filename().string();
    return data;
}

} // namespace espalier::core
