#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include <hdf5.h>

namespace espalier::core::h5 {

/// Who is to blame when an HDF5 call fails: reading a user's file raises InputError (exit code 2),
/// writing our own output raises std::runtime_error.
enum class Mode { Read, Write };

/// Owns one HDF5 identifier and closes it with the matching H5?close function.
class Id {
public:
    using Closer = herr_t (*)(hid_t);
    Id() = default;
    Id(hid_t id, Closer closer) : m_id(id), m_closer(closer) {}
    ~Id() { reset(); }
    Id(Id&& other) noexcept;
    Id& operator=(Id&& other) noexcept;
    Id(const Id&) = delete;
    Id& operator=(const Id&) = delete;

    [[nodiscard]] hid_t get() const { return m_id; }
    [[nodiscard]] bool valid() const { return m_id >= 0; }
    /// Closes now (errors ignored).
    void reset();
    /// Gives up ownership without closing.
    hid_t release();

private:
    hid_t m_id = H5I_INVALID_HID;
    Closer m_closer = nullptr;
};

/// Whether a dataset is deflate-compressed: Auto compresses large ones, the others force the choice.
enum class Compression { Auto, None, Deflate };

/// One column of a table (compound) dataset; all columns of a table have the same length.
struct Column {
    std::string name;
    std::variant<std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>> values;
};

/// An open group or dataset. Attribute access; every failure names the file and the object path.
class Node {
public:
    Node(Id id, std::string file, std::string path, Mode mode);

    [[nodiscard]] hid_t id() const { return m_id.get(); }
    [[nodiscard]] const std::string& path() const { return m_path; }

    [[nodiscard]] bool hasAttribute(const std::string& name) const;
    /// Variable-length UTF-8 string (h5py reads it as str).
    void writeString(const std::string& name, const std::string& value) const;
    void writeDouble(const std::string& name, double value) const;
    void writeInt64(const std::string& name, std::int64_t value) const;
    void writeUInt64(const std::string& name, std::uint64_t value) const;
    void writeInt64Array(const std::string& name, const std::vector<std::int64_t>& values) const;

    /// Readers throw (InputError when reading) if the attribute is missing or of the wrong kind.
    [[nodiscard]] std::string readString(const std::string& name) const;
    [[nodiscard]] double readDouble(const std::string& name) const;
    [[nodiscard]] std::int64_t readInt64(const std::string& name) const;
    [[nodiscard]] std::uint64_t readUInt64(const std::string& name) const;
    [[nodiscard]] std::vector<std::int64_t> readInt64Array(const std::string& name) const;

    /// Throws InputError (Mode::Read) or std::runtime_error (Mode::Write) naming file and object.
    [[noreturn]] void fail(const std::string& object, const std::string& what) const;

protected:
    [[nodiscard]] std::string childPath(const std::string& name) const;
    [[nodiscard]] Id openAttribute(const std::string& name) const;
    void writeAttribute(const std::string& name, hid_t fileType, hid_t memType, hid_t space,
                        const void* data) const;
    template <typename T> T readScalar(const std::string& name, hid_t memType, bool integer) const;

    Id m_id;
    std::string m_file;
    std::string m_path;
    Mode m_mode;
};

/// A group (or the root group). Children keep the file open until they are destroyed.
class Group : public Node {
public:
    using Node::Node;

    /// New group that remembers the order its children were created in.
    [[nodiscard]] Group createGroup(const std::string& name) const;
    [[nodiscard]] Group openGroup(const std::string& name) const;
    [[nodiscard]] bool has(const std::string& name) const;
    [[nodiscard]] bool hasGroup(const std::string& name) const;
    /// Link names in creation order when the group tracks it, otherwise in name order.
    [[nodiscard]] std::vector<std::string> children() const;

    /// N-d dataset of T (uint8_t, std::int64_t, float, double) in row-major `shape`; with
    /// Compression::Auto large ones are chunked and deflate-compressed. Returns the dataset so
    /// attributes can be added.
    template <typename T> Node writeDataset(const std::string& name, const std::vector<std::int64_t>& shape,
                                            const std::vector<T>& data,
                                            Compression compression = Compression::Auto) const;
    /// Reads a whole dataset, converting to T; the stored type must be of the same kind
    /// (integer for integers, float for floats). `shape` receives the dataset's dimensions.
    template <typename T> [[nodiscard]] std::vector<T>
    readDataset(const std::string& name, std::vector<std::int64_t>* shape = nullptr) const;

    /// An existing dataset, for its attributes.
    [[nodiscard]] Node dataset(const std::string& name) const;

    /// 1-D dataset of variable-length UTF-8 strings.
    void writeStrings(const std::string& name, const std::vector<std::string>& values) const;
    [[nodiscard]] std::vector<std::string> readStrings(const std::string& name) const;

    /// 1-D compound dataset, one row per index (h5py: structured array; HDFView: a table).
    void writeTable(const std::string& name, const std::vector<Column>& columns) const;
    [[nodiscard]] std::size_t tableRows(const std::string& name) const;
    [[nodiscard]] bool tableHasColumn(const std::string& name, const std::string& column) const;
    /// One numeric column (integers are converted to double).
    [[nodiscard]] std::vector<double> readColumn(const std::string& name, const std::string& column) const;
    [[nodiscard]] std::vector<std::string> readStringColumn(const std::string& name,
                                                            const std::string& column) const;

private:
    [[nodiscard]] Id openDataset(const std::string& name) const;
    void checkName(const std::string& name) const;
};

/// An open HDF5 file. Closing flushes; a failed flush of a file being written throws.
class File {
public:
    /// A new file to be written to `path` by close(); errors name `displayPath` (the final file
    /// name when `path` is a temporary file). It is built in memory: HDF5 never writes to disk
    /// itself, so a full disk or a failing device is an error close() reports, not a half-closed
    /// HDF5 file (which crashed the HDF5 library at exit).
    static File create(const std::string& path, const std::string& displayPath);
    /// Opens a user's file read-only; InputError if it is missing, unreadable or not HDF5.
    static File open(const std::string& path);

    [[nodiscard]] Group root() const;
    [[nodiscard]] const std::string& displayPath() const { return m_display; }
    void close();

private:
    File(Id id, std::string display, Mode mode);
    Id m_id;
    std::string m_display;
    Mode m_mode;
    std::string m_imagePath; ///< Mode::Write: where close() writes the in-memory file
};

namespace detail {
/// "attribute 'kept' of /layers/fc1.weight"
std::string attributeLabel(const std::string& path, const std::string& name);
/// "a float", "a string", ... for messages about a stored type.
std::string kindName(hid_t type);
/// Variable-length string type in the given character set.
Id stringType(H5T_cset_t cset);
/// Reads `count` strings (fixed or variable length) stored with `fileType` via `read(memType, buffer)`.
bool readStringValues(hid_t fileType, hid_t space, std::size_t count, std::vector<std::string>& out,
                      const std::function<herr_t(hid_t, void*)>& read);
} // namespace detail

/// Turns HDF5's automatic error printing off for the calling thread (failures become exceptions).
void silenceErrors();
/// The innermost message of the calling thread's HDF5 error stack (then clears it).
std::string lastError();

} // namespace espalier::core::h5
