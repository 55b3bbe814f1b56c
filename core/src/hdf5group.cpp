// Group: child groups, N-d datasets and string datasets (Node/File: hdf5file.cpp, tables:
// hdf5table.cpp).
#include "hdf5file.h"

#include <algorithm>
#include <type_traits>

namespace espalier::core::h5 {

using detail::kindName;
using detail::readStringValues;
using detail::stringType;

namespace {

// Datasets at least this large are chunked and compressed: sparse uint8 masks shrink a lot.
constexpr std::int64_t kCompressFrom = 4096;
constexpr std::size_t kChunkBytes = std::size_t(1) << 20;
constexpr unsigned kDeflateLevel = 4;

template <typename T> struct Traits;
template <> struct Traits<std::uint8_t> {
    static hid_t mem() { return H5T_NATIVE_UINT8; }
    static hid_t file() { return H5T_STD_U8LE; }
};
template <> struct Traits<std::int64_t> {
    static hid_t mem() { return H5T_NATIVE_INT64; }
    static hid_t file() { return H5T_STD_I64LE; }
};
template <> struct Traits<float> {
    static hid_t mem() { return H5T_NATIVE_FLOAT; }
    static hid_t file() { return H5T_IEEE_F32LE; }
};
template <> struct Traits<double> {
    static hid_t mem() { return H5T_NATIVE_DOUBLE; }
    static hid_t file() { return H5T_IEEE_F64LE; }
};

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string text;
    for (std::int64_t d : shape) {
        if (!text.empty())
            text += 'x';
        text += std::to_string(d);
    }
    return text.empty() ? std::string("scalar") : text;
}

// Halves the leading dimensions until a chunk fits kChunkBytes.
std::vector<hsize_t> chunkDims(const std::vector<hsize_t>& dims, std::size_t elementSize) {
    std::vector<hsize_t> chunk = dims;
    const auto bytes = [&] {
        std::size_t total = elementSize;
        for (hsize_t d : chunk)
            total *= d;
        return total;
    };
    for (std::size_t i = 0; i < chunk.size() && bytes() > kChunkBytes;) {
        if (chunk[i] > 1)
            chunk[i] = (chunk[i] + 1) / 2;
        else
            ++i;
    }
    return chunk;
}

} // namespace

void Group::checkName(const std::string& name) const {
    if (name.empty() || name == "." || name.find('/') != std::string::npos)
        fail(m_path, "invalid object name '" + name + "' (empty, '.' or containing '/')");
}

Group Group::createGroup(const std::string& name) const {
    checkName(name);
    Id gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
    H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    Id group(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
    if (!group.valid())
        fail(childPath(name), "cannot create group: " + lastError());
    return Group(std::move(group), m_file, childPath(name), m_mode);
}

bool Group::has(const std::string& name) const {
    return !name.empty() && name.find('/') == std::string::npos &&
           H5Lexists(id(), name.c_str(), H5P_DEFAULT) > 0;
}

bool Group::hasGroup(const std::string& name) const {
    if (!has(name))
        return false;
    Id object(H5Oopen(id(), name.c_str(), H5P_DEFAULT), H5Oclose);
    return object.valid() && H5Iget_type(object.get()) == H5I_GROUP;
}

Group Group::openGroup(const std::string& name) const {
    if (!hasGroup(name))
        fail(childPath(name), has(name) ? "is not a group" : "missing group");
    Id group(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.valid())
        fail(childPath(name), "cannot open group: " + lastError());
    return Group(std::move(group), m_file, childPath(name), m_mode);
}

std::vector<std::string> Group::children() const {
    H5G_info_t info{};
    if (H5Gget_info(id(), &info) < 0)
        fail(m_path, "cannot list the group: " + lastError());
    H5_index_t index = H5_INDEX_NAME;
    Id gcpl(H5Gget_create_plist(id()), H5Pclose);
    unsigned flags = 0;
    if (gcpl.valid() && H5Pget_link_creation_order(gcpl.get(), &flags) >= 0 &&
        (flags & H5P_CRT_ORDER_TRACKED))
        index = H5_INDEX_CRT_ORDER;
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t size = H5Lget_name_by_idx(id(), ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        std::vector<char> buffer(std::size_t(std::max<ssize_t>(size, 0)) + 1, '\0');
        if (size < 0 || H5Lget_name_by_idx(id(), ".", index, H5_ITER_INC, i, buffer.data(), buffer.size(),
                                           H5P_DEFAULT) < 0)
            fail(m_path, "cannot list the group: " + lastError());
        names.emplace_back(buffer.data());
    }
    return names;
}

Id Group::openDataset(const std::string& name) const {
    if (!has(name))
        fail(childPath(name), "missing dataset");
    Id object(H5Oopen(id(), name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!object.valid() || H5Iget_type(object.get()) != H5I_DATASET)
        fail(childPath(name), "is not a dataset");
    Id dataset(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dataset.valid())
        fail(childPath(name), "cannot open dataset: " + lastError());
    return dataset;
}

Node Group::dataset(const std::string& name) const {
    return Node(openDataset(name), m_file, childPath(name), m_mode);
}

template <typename T> Node Group::writeDataset(const std::string& name,
                                               const std::vector<std::int64_t>& shape,
                                               const std::vector<T>& data, Compression compression) const {
    checkName(name);
    std::vector<hsize_t> dims;
    std::int64_t numel = 1;
    for (std::int64_t d : shape) {
        if (d < 0)
            fail(childPath(name), "negative dimension in shape " + shapeText(shape));
        dims.push_back(hsize_t(d));
        numel *= d;
    }
    if (std::int64_t(data.size()) != numel)
        fail(childPath(name), std::to_string(data.size()) + " values do not fill shape " + shapeText(shape));
    Id space(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(int(dims.size()), dims.data(), nullptr),
             H5Sclose);
    Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    const bool deflate =
        compression == Compression::Deflate || (compression == Compression::Auto && numel >= kCompressFrom);
    if (!dims.empty() && numel > 0 && deflate && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
        const std::vector<hsize_t> chunk = chunkDims(dims, sizeof(T));
        H5Pset_chunk(dcpl.get(), int(chunk.size()), chunk.data());
        H5Pset_deflate(dcpl.get(), kDeflateLevel);
    }
    Id dataset(
        H5Dcreate2(id(), name.c_str(), Traits<T>::file(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        H5Dclose);
    if (!dataset.valid())
        fail(childPath(name), "cannot create dataset: " + lastError());
    if (numel > 0 &&
        H5Dwrite(dataset.get(), Traits<T>::mem(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
        fail(childPath(name), "cannot write dataset: " + lastError());
    return Node(std::move(dataset), m_file, childPath(name), m_mode);
}

template <typename T>
std::vector<T> Group::readDataset(const std::string& name, std::vector<std::int64_t>* shape) const {
    Id dataset = openDataset(name);
    Id type(H5Dget_type(dataset.get()), H5Tclose);
    Id space(H5Dget_space(dataset.get()), H5Sclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    Id enumType;
    hid_t memType = Traits<T>::mem();
    if constexpr (std::is_integral_v<T>) {
        // h5py stores numpy bool arrays as a 1-byte enum (FALSE=0, TRUE=1): read the raw bytes.
        if (sizeof(T) == 1 && cls == H5T_ENUM && H5Tget_size(type.get()) == 1) {
            enumType = Id(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), H5Tclose);
            memType = enumType.get();
        } else if (cls != H5T_INTEGER) {
            fail(childPath(name), "is stored as " + kindName(type.get()) + ", expected integers");
        }
    } else if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
        fail(childPath(name), "is stored as " + kindName(type.get()) + ", expected numbers");
    }
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> dims(std::size_t(std::max(rank, 0)));
    if (rank > 0)
        H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    if (shape != nullptr)
        shape->assign(dims.begin(), dims.end());
    const hssize_t n =
        H5Sget_simple_extent_type(space.get()) == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space.get());
    std::vector<T> values(std::size_t(std::max<hssize_t>(n, 0)));
    if (!values.empty() && H5Dread(dataset.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
        fail(childPath(name), "cannot read: " + lastError());
    return values;
}

template Node Group::writeDataset(const std::string&, const std::vector<std::int64_t>&,
                                  const std::vector<std::uint8_t>&, Compression) const;
template Node Group::writeDataset(const std::string&, const std::vector<std::int64_t>&,
                                  const std::vector<std::int64_t>&, Compression) const;
template Node Group::writeDataset(const std::string&, const std::vector<std::int64_t>&,
                                  const std::vector<float>&, Compression) const;
template Node Group::writeDataset(const std::string&, const std::vector<std::int64_t>&,
                                  const std::vector<double>&, Compression) const;
template std::vector<std::uint8_t> Group::readDataset(const std::string&, std::vector<std::int64_t>*) const;
template std::vector<std::int64_t> Group::readDataset(const std::string&, std::vector<std::int64_t>*) const;
template std::vector<float> Group::readDataset(const std::string&, std::vector<std::int64_t>*) const;
template std::vector<double> Group::readDataset(const std::string&, std::vector<std::int64_t>*) const;

void Group::writeStrings(const std::string& name, const std::vector<std::string>& values) const {
    checkName(name);
    Id type = stringType(H5T_CSET_UTF8);
    const hsize_t n = values.size();
    Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    Id dataset(H5Dcreate2(id(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               H5Dclose);
    if (!dataset.valid())
        fail(childPath(name), "cannot create dataset: " + lastError());
    std::vector<const char*> pointers;
    for (const std::string& value : values)
        pointers.push_back(value.c_str());
    if (n > 0 && H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0)
        fail(childPath(name), "cannot write dataset: " + lastError());
}

std::vector<std::string> Group::readStrings(const std::string& name) const {
    Id dataset = openDataset(name);
    Id type(H5Dget_type(dataset.get()), H5Tclose);
    Id space(H5Dget_space(dataset.get()), H5Sclose);
    if (H5Tget_class(type.get()) != H5T_STRING)
        fail(childPath(name), "is stored as " + kindName(type.get()) + ", expected strings");
    const hssize_t n =
        H5Sget_simple_extent_type(space.get()) == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space.get());
    std::vector<std::string> values;
    if (!readStringValues(type.get(), space.get(), std::size_t(std::max<hssize_t>(n, 0)), values,
                          [&](hid_t mem, void* buffer) {
                              return H5Dread(dataset.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
                          }))
        fail(childPath(name), "cannot read: " + lastError());
    return values;
}

} // namespace espalier::core::h5
