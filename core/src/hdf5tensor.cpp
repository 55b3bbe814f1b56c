#include "hdf5tensor.h"

#include <zlib.h>

namespace espalier::core {

namespace {

constexpr std::size_t kSmallestWorthDeflating = 2048; // bytes; below this the chunk index costs more
constexpr int kProbeLevel = 4;                        // HDF5's deflate level for our files

std::string dtypeName(c10::ScalarType type)
{
    switch (type) {
    case torch::kFloat32: return "float32";
    case torch::kFloat64: return "float64";
    case torch::kFloat16: return "float16";
    case torch::kBFloat16: return "bfloat16";
    case torch::kInt64: return "int64";
    case torch::kInt32: return "int32";
    case torch::kInt16: return "int16";
    case torch::kInt8: return "int8";
    case torch::kUInt8: return "uint8";
    case torch::kBool: return "bool";
    default: throw std::runtime_error(std::string("cannot store tensors of dtype ") + c10::toString(type));
    }
}

c10::ScalarType dtypeFromName(const std::string& name)
{
    for (auto type : {torch::kFloat32, torch::kFloat64, torch::kFloat16, torch::kBFloat16, torch::kInt64,
                      torch::kInt32, torch::kInt16, torch::kInt8, torch::kUInt8, torch::kBool})
        if (dtypeName(type) == name)
            return type;
    return c10::ScalarType::Undefined;
}

// The type the values travel as: one HDF5 writes natively and that holds every value exactly.
c10::ScalarType storedType(c10::ScalarType type)
{
    if (type == torch::kFloat64 || type == torch::kInt64 || type == torch::kUInt8)
        return type;
    if (type == torch::kBool)
        return torch::kUInt8;
    return at::isFloatingType(type) ? torch::kFloat32 : torch::kInt64;
}

template <typename T>
h5::Node writeAs(const h5::Group& group, const std::string& name, const torch::Tensor& values,
                 const std::vector<std::int64_t>& shape, h5::Compression compression)
{
    const T* data = values.data_ptr<T>();
    const std::vector<T> flat(data, data + values.numel());
    if (compression == h5::Compression::Auto)
        compression = compressionFor(flat.data(), flat.size() * sizeof(T));
    return group.writeDataset(name, shape, flat, compression);
}

template <typename T>
torch::Tensor readAs(const h5::Group& group, const std::string& name, c10::ScalarType stored)
{
    std::vector<std::int64_t> shape;
    std::vector<T> flat = group.readDataset<T>(name, &shape);
    return torch::from_blob(flat.data(), shape, torch::TensorOptions().dtype(stored)).clone();
}

} // namespace

h5::Compression compressionFor(const void* data, std::size_t bytes)
{
    if (bytes < kSmallestWorthDeflating)
        return h5::Compression::None;
    uLongf packed = compressBound(uLong(bytes));
    std::vector<Bytef> buffer(packed);
    if (compress2(buffer.data(), &packed, static_cast<const Bytef*>(data), uLong(bytes), kProbeLevel) != Z_OK)
        return h5::Compression::None;
    return packed * 10 <= bytes * 9 ? h5::Compression::Deflate : h5::Compression::None;
}

h5::Node writeTensor(const h5::Group& group, const std::string& name, const torch::Tensor& tensor,
                     h5::Compression compression)
{
    const auto sizes = tensor.sizes();
    const std::vector<std::int64_t> shape(sizes.begin(), sizes.end());
    const c10::ScalarType stored = storedType(tensor.scalar_type());
    const torch::Tensor values = tensor.detach().to(torch::kCPU, stored).contiguous();
    h5::Node node = [&] {
        switch (stored) {
        case torch::kFloat32: return writeAs<float>(group, name, values, shape, compression);
        case torch::kFloat64: return writeAs<double>(group, name, values, shape, compression);
        case torch::kUInt8: return writeAs<std::uint8_t>(group, name, values, shape, compression);
        default: return writeAs<std::int64_t>(group, name, values, shape, compression);
        }
    }();
    node.writeString("dtype", dtypeName(tensor.scalar_type()));
    return node;
}

torch::Tensor readTensor(const h5::Group& group, const std::string& name)
{
    const h5::Node dataset = group.dataset(name);
    const std::string typeName = dataset.hasAttribute("dtype") ? dataset.readString("dtype") : "float32";
    const c10::ScalarType type = dtypeFromName(typeName);
    if (type == c10::ScalarType::Undefined)
        group.fail(dataset.path(), "has the unknown dtype '" + typeName + "'");
    const c10::ScalarType stored = storedType(type);
    torch::Tensor values;
    switch (stored) {
    case torch::kFloat32: values = readAs<float>(group, name, stored); break;
    case torch::kFloat64: values = readAs<double>(group, name, stored); break;
    case torch::kUInt8: values = readAs<std::uint8_t>(group, name, stored); break;
    default: values = readAs<std::int64_t>(group, name, stored); break;
    }
    return values.to(type);
}

} // namespace espalier::core
