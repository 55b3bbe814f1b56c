#include "hdf5file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "espalier/core/errors.h"

namespace espalier::core::h5 {

using detail::attributeLabel;
using detail::kindName;
using detail::readStringValues;
using detail::stringType;

Id::Id(Id&& other) noexcept : m_id(std::exchange(other.m_id, H5I_INVALID_HID)), m_closer(other.m_closer) {}

Id& Id::operator=(Id&& other) noexcept {
    if (this != &other) {
        reset();
        m_id = std::exchange(other.m_id, H5I_INVALID_HID);
        m_closer = other.m_closer;
    }
    return *this;
}

void Id::reset() {
    if (m_id >= 0 && m_closer != nullptr)
        m_closer(m_id);
    m_id = H5I_INVALID_HID;
}

hid_t Id::release() {
    return std::exchange(m_id, H5I_INVALID_HID);
}

namespace detail {

std::string attributeLabel(const std::string& path, const std::string& name) {
    return "attribute '" + name + "' of " + path;
}

std::string kindName(hid_t type) {
    switch (H5Tget_class(type)) {
    case H5T_INTEGER: return "an integer";
    case H5T_FLOAT: return "a float";
    case H5T_STRING: return "a string";
    case H5T_COMPOUND: return "a compound (table)";
    case H5T_ENUM: return "an enum";
    case H5T_ARRAY: return "an array type";
    case H5T_VLEN: return "a variable-length sequence";
    default: return "an unsupported type";
    }
}

Id stringType(H5T_cset_t cset) {
    Id type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), cset);
    return type;
}

bool readStringValues(hid_t fileType, hid_t space, std::size_t count, std::vector<std::string>& out,
                      const std::function<herr_t(hid_t, void*)>& read) {
    out.clear();
    if (count == 0)
        return true;
    if (H5Tis_variable_str(fileType) > 0) {
        // Same character set as stored: HDF5 does not convert between ASCII and UTF-8.
        Id mem = stringType(H5Tget_cset(fileType));
        std::vector<char*> buffer(count, nullptr);
        if (read(mem.get(), buffer.data()) < 0)
            return false;
        for (char* text : buffer)
            out.emplace_back(text != nullptr ? text : "");
        H5Dvlen_reclaim(mem.get(), space, H5P_DEFAULT, buffer.data());
        return true;
    }
    const std::size_t size = H5Tget_size(fileType);
    Id mem(H5Tcopy(fileType), H5Tclose);
    std::vector<char> buffer(count * size + 1, '\0');
    if (read(mem.get(), buffer.data()) < 0)
        return false;
    const bool spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD;
    for (std::size_t i = 0; i < count; ++i) {
        const char* begin = buffer.data() + i * size;
        std::string text(begin, strnlen(begin, size));
        if (spacePadded)
            text.erase(text.find_last_not_of(' ') + 1);
        out.push_back(std::move(text));
    }
    return true;
}

} // namespace detail

void silenceErrors() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

std::string lastError() {
    std::string message;
    // Walking upward visits the innermost (most specific) error first, e.g. "truncated file: ...".
    H5Ewalk2(
        H5E_DEFAULT, H5E_WALK_UPWARD,
        [](unsigned n, const H5E_error2_t* error, void* data) -> herr_t {
            if (n == 0 && error->desc != nullptr)
                *static_cast<std::string*>(data) = error->desc;
            return 0;
        },
        &message);
    H5Eclear2(H5E_DEFAULT);
    return message.empty() ? std::string("unknown HDF5 error") : message;
}

// ---- File ----------------------------------------------------------------------------------

namespace {

constexpr std::size_t kMemoryIncrement = std::size_t(16) << 20; // growth step of an in-memory file

// Writes a finished file image with plain POSIX calls, so every failure comes back with its errno.
void writeImage(const std::string& path, const std::string& display, const std::vector<char>& image) {
    const auto fail = [&](const std::string& what) {
        throw std::runtime_error("cannot write '" + display + "': " + what + ": " + std::strerror(errno));
    };
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail("cannot open " + path);
    std::size_t done = 0;
    while (done < image.size()) {
        const ssize_t n = ::write(fd, image.data() + done, image.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            errno = error;
            fail("writing " + path);
        }
        done += std::size_t(n);
    }
    if (::close(fd) != 0)
        fail("closing " + path);
}

} // namespace

File::File(Id id, std::string display, Mode mode)
    : m_id(std::move(id)), m_display(std::move(display)), m_mode(mode) {}

File File::create(const std::string& path, const std::string& displayPath) {
    silenceErrors();
    const auto fail = [&](const std::string& what) -> std::runtime_error {
        return std::runtime_error("cannot write '" + displayPath + "': " + what);
    };
    Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    Id fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
    if (!fapl.valid() || !fcpl.valid())
        throw fail(lastError());
#if H5_VERSION_GE(1, 10, 7)
    // The file is our private temporary: locking only fails on file systems without flock (NFS).
    H5Pset_file_locking(fapl.get(), false, true);
#endif
    H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    if (H5Pset_fapl_core(fapl.get(), kMemoryIncrement, /*backing_store=*/false) < 0)
        throw fail(lastError());
    Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose);
    if (!file.valid())
        throw fail(lastError());
    File out(std::move(file), displayPath, Mode::Write);
    out.m_imagePath = path;
    return out;
}

File File::open(const std::string& path) {
    silenceErrors();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw InputError(path + ": no such file");
    if (std::filesystem::is_directory(path, ec))
        throw InputError(path + ": is a folder, not an HDF5 file");
    const htri_t isHdf5 = H5Fis_hdf5(path.c_str());
    if (isHdf5 == 0)
        throw InputError(path + ": not an HDF5 file");
    if (isHdf5 < 0)
        throw InputError(path + ": cannot read: " + lastError());
    Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
#if H5_VERSION_GE(1, 10, 7)
    H5Pset_file_locking(fapl.get(), true, /*ignore_when_disabled=*/true);
#endif
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
    if (!file.valid())
        throw InputError(path + ": cannot open (corrupt or truncated HDF5 file): " + lastError());
    return File(std::move(file), path, Mode::Read);
}

Group File::root() const {
    Id group(H5Gopen2(m_id.get(), "/", H5P_DEFAULT), H5Gclose);
    const bool opened = group.valid();
    Group root(std::move(group), m_display, "/", m_mode);
    if (!opened)
        root.fail("/", "cannot open the root group: " + lastError());
    return root;
}

void File::close() {
    if (!m_id.valid())
        return;
    if (m_mode == Mode::Read) {
        H5Fclose(m_id.release());
        return;
    }
    std::vector<char> image;
    ssize_t size = H5Fflush(m_id.get(), H5F_SCOPE_LOCAL) >= 0 ? H5Fget_file_image(m_id.get(), nullptr, 0) : -1;
    if (size >= 0) {
        image.resize(std::size_t(size));
        size = H5Fget_file_image(m_id.get(), image.data(), image.size());
    }
    const std::string imageError = size < 0 ? lastError() : std::string();
    const bool closed = H5Fclose(m_id.release()) >= 0;
    if (size < 0 || !closed)
        throw std::runtime_error("cannot write '" + m_display + "': " + (size < 0 ? imageError : lastError()));
    writeImage(m_imagePath, m_display, image);
}

// ---- Node: attributes ----------------------------------------------------------------------

Node::Node(Id id, std::string file, std::string path, Mode mode)
    : m_id(std::move(id)), m_file(std::move(file)), m_path(std::move(path)), m_mode(mode) {}

void Node::fail(const std::string& object, const std::string& what) const {
    if (m_mode == Mode::Read)
        throw InputError(m_file + ": " + object + ": " + what);
    throw std::runtime_error("cannot write '" + m_file + "': " + object + ": " + what);
}

std::string Node::childPath(const std::string& name) const {
    return m_path == "/" ? "/" + name : m_path + "/" + name;
}

bool Node::hasAttribute(const std::string& name) const {
    return H5Aexists(id(), name.c_str()) > 0;
}

Id Node::openAttribute(const std::string& name) const {
    if (!hasAttribute(name))
        fail(attributeLabel(m_path, name), "missing");
    Id attr(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!attr.valid())
        fail(attributeLabel(m_path, name), "cannot open: " + lastError());
    return attr;
}

void Node::writeAttribute(const std::string& name, hid_t fileType, hid_t memType, hid_t space,
                          const void* data) const {
    if (hasAttribute(name))
        H5Adelete(id(), name.c_str());
    Id attr(H5Acreate2(id(), name.c_str(), fileType, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (!attr.valid() || (data != nullptr && H5Awrite(attr.get(), memType, data) < 0))
        fail(attributeLabel(m_path, name), lastError());
}

void Node::writeString(const std::string& name, const std::string& value) const {
    Id type = stringType(H5T_CSET_UTF8);
    Id space(H5Screate(H5S_SCALAR), H5Sclose);
    const char* text = value.c_str();
    writeAttribute(name, type.get(), type.get(), space.get(), &text);
}

void Node::writeDouble(const std::string& name, double value) const {
    Id space(H5Screate(H5S_SCALAR), H5Sclose);
    writeAttribute(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), &value);
}

void Node::writeInt64(const std::string& name, std::int64_t value) const {
    Id space(H5Screate(H5S_SCALAR), H5Sclose);
    writeAttribute(name, H5T_STD_I64LE, H5T_NATIVE_INT64, space.get(), &value);
}

void Node::writeUInt64(const std::string& name, std::uint64_t value) const {
    Id space(H5Screate(H5S_SCALAR), H5Sclose);
    writeAttribute(name, H5T_STD_U64LE, H5T_NATIVE_UINT64, space.get(), &value);
}

void Node::writeInt64Array(const std::string& name, const std::vector<std::int64_t>& values) const {
    const hsize_t n = values.size();
    // A zero-length simple dataspace is not portable for attributes; an empty array is a null space.
    Id space(n > 0 ? H5Screate_simple(1, &n, nullptr) : H5Screate(H5S_NULL), H5Sclose);
    writeAttribute(name, H5T_STD_I64LE, H5T_NATIVE_INT64, space.get(), n > 0 ? values.data() : nullptr);
}

std::string Node::readString(const std::string& name) const {
    Id attr = openAttribute(name);
    Id type(H5Aget_type(attr.get()), H5Tclose);
    Id space(H5Aget_space(attr.get()), H5Sclose);
    if (H5Tget_class(type.get()) != H5T_STRING)
        fail(attributeLabel(m_path, name), "is " + kindName(type.get()) + ", expected a string");
    if (H5Sget_simple_extent_npoints(space.get()) != 1)
        fail(attributeLabel(m_path, name), "holds several values, expected one string");
    std::vector<std::string> values;
    const bool ok = readStringValues(type.get(), space.get(), 1, values,
                                     [&](hid_t mem, void* buf) { return H5Aread(attr.get(), mem, buf); });
    if (!ok)
        fail(attributeLabel(m_path, name), "cannot read: " + lastError());
    return values.front();
}

template <typename T> T Node::readScalar(const std::string& name, hid_t memType, bool integer) const {
    Id attr = openAttribute(name);
    Id type(H5Aget_type(attr.get()), H5Tclose);
    Id space(H5Aget_space(attr.get()), H5Sclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_INTEGER && (integer || cls != H5T_FLOAT))
        fail(attributeLabel(m_path, name),
             "is " + kindName(type.get()) + ", expected " + (integer ? "an integer" : "a number"));
    if (H5Sget_simple_extent_npoints(space.get()) != 1)
        fail(attributeLabel(m_path, name), "holds several values, expected one");
    T value{};
    if (H5Aread(attr.get(), memType, &value) < 0)
        fail(attributeLabel(m_path, name), "cannot read: " + lastError());
    return value;
}

double Node::readDouble(const std::string& name) const {
    return readScalar<double>(name, H5T_NATIVE_DOUBLE, false);
}

std::int64_t Node::readInt64(const std::string& name) const {
    return readScalar<std::int64_t>(name, H5T_NATIVE_INT64, true);
}

std::uint64_t Node::readUInt64(const std::string& name) const {
    return readScalar<std::uint64_t>(name, H5T_NATIVE_UINT64, true);
}

std::vector<std::int64_t> Node::readInt64Array(const std::string& name) const {
    Id attr = openAttribute(name);
    Id type(H5Aget_type(attr.get()), H5Tclose);
    Id space(H5Aget_space(attr.get()), H5Sclose);
    if (H5Tget_class(type.get()) != H5T_INTEGER)
        fail(attributeLabel(m_path, name), "is " + kindName(type.get()) + ", expected integers");
    const hssize_t n =
        H5Sget_simple_extent_type(space.get()) == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space.get());
    std::vector<std::int64_t> values(std::size_t(std::max<hssize_t>(n, 0)));
    if (!values.empty() && H5Aread(attr.get(), H5T_NATIVE_INT64, values.data()) < 0)
        fail(attributeLabel(m_path, name), "cannot read: " + lastError());
    return values;
}

} // namespace espalier::core::h5
