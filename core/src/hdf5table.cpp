// Group tables: 1-D compound datasets written column by column and read back one column at a time.
#include "hdf5file.h"

#include <cstring>
#include <type_traits>

namespace espalier::core::h5 {

using detail::kindName;
using detail::stringType;

namespace {

// Every member occupies one 8-byte slot in memory (int64, double or char*).
constexpr std::size_t kSlot = sizeof(std::int64_t);
static_assert(sizeof(const char*) <= kSlot);

std::size_t columnRows(const Column& column) {
    return std::visit([](const auto& values) { return values.size(); }, column.values);
}

} // namespace

void Group::writeTable(const std::string& name, const std::vector<Column>& columns) const {
    checkName(name);
    if (columns.empty())
        fail(childPath(name), "a table needs at least one column");
    const std::size_t rows = columnRows(columns.front());
    const std::size_t rowSize = kSlot * columns.size();
    Id memType(H5Tcreate(H5T_COMPOUND, rowSize), H5Tclose);
    Id fileType(H5Tcreate(H5T_COMPOUND, rowSize), H5Tclose);
    Id text = stringType(H5T_CSET_UTF8);
    std::vector<unsigned char> buffer(rows * rowSize, 0);
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const Column& column = columns[c];
        if (columnRows(column) != rows)
            fail(childPath(name), "column '" + column.name + "' has " + std::to_string(columnRows(column)) +
                                      " rows, expected " + std::to_string(rows));
        const std::size_t offset = c * kSlot;
        hid_t mem = text.get();
        hid_t file = text.get();
        if (std::holds_alternative<std::vector<std::int64_t>>(column.values)) {
            mem = H5T_NATIVE_INT64;
            file = H5T_STD_I64LE;
        } else if (std::holds_alternative<std::vector<double>>(column.values)) {
            mem = H5T_NATIVE_DOUBLE;
            file = H5T_IEEE_F64LE;
        }
        if (H5Tinsert(memType.get(), column.name.c_str(), offset, mem) < 0 ||
            H5Tinsert(fileType.get(), column.name.c_str(), offset, file) < 0)
            fail(childPath(name), "bad column '" + column.name + "': " + lastError());
        std::visit(
            [&](const auto& values) {
                for (std::size_t r = 0; r < rows; ++r) {
                    unsigned char* slot = buffer.data() + r * rowSize + offset;
                    if constexpr (std::is_same_v<std::decay_t<decltype(values)>, std::vector<std::string>>) {
                        const char* pointer = values[r].c_str();
                        std::memcpy(slot, &pointer, sizeof pointer);
                    } else {
                        std::memcpy(slot, &values[r], sizeof values[r]);
                    }
                }
            },
            column.values);
    }
    const hsize_t n = rows;
    Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    Id dataset(
        H5Dcreate2(id(), name.c_str(), fileType.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose);
    if (!dataset.valid())
        fail(childPath(name), "cannot create dataset: " + lastError());
    if (rows > 0 && H5Dwrite(dataset.get(), memType.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
        fail(childPath(name), "cannot write dataset: " + lastError());
}

std::size_t Group::tableRows(const std::string& name) const {
    Id dataset = openDataset(name);
    Id type(H5Dget_type(dataset.get()), H5Tclose);
    Id space(H5Dget_space(dataset.get()), H5Sclose);
    if (H5Tget_class(type.get()) != H5T_COMPOUND || H5Sget_simple_extent_ndims(space.get()) != 1)
        fail(childPath(name), "is not a table (a 1-D compound dataset)");
    return std::size_t(H5Sget_simple_extent_npoints(space.get()));
}

bool Group::tableHasColumn(const std::string& name, const std::string& column) const {
    Id dataset = openDataset(name);
    Id type(H5Dget_type(dataset.get()), H5Tclose);
    return H5Tget_class(type.get()) == H5T_COMPOUND && H5Tget_member_index(type.get(), column.c_str()) >= 0;
}

std::vector<double> Group::readColumn(const std::string& name, const std::string& column) const {
    const std::size_t rows = tableRows(name);
    Id dataset = openDataset(name);
    Id type(H5Dget_type(dataset.get()), H5Tclose);
    const int index = H5Tget_member_index(type.get(), column.c_str());
    if (index < 0)
        fail(childPath(name), "missing column '" + column + "'");
    Id member(H5Tget_member_type(type.get(), unsigned(index)), H5Tclose);
    const H5T_class_t cls = H5Tget_class(member.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        fail(childPath(name),
             "column '" + column + "' holds " + kindName(member.get()) + ", expected numbers");
    // A compound memory type naming one member reads just that field.
    Id memType(H5Tcreate(H5T_COMPOUND, sizeof(double)), H5Tclose);
    H5Tinsert(memType.get(), column.c_str(), 0, H5T_NATIVE_DOUBLE);
    std::vector<double> values(rows);
    if (rows > 0 && H5Dread(dataset.get(), memType.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
        fail(childPath(name), "cannot read column '" + column + "': " + lastError());
    return values;
}

std::vector<std::string> Group::readStringColumn(const std::string& name, const std::string& column) const {
    const std::size_t rows = tableRows(name);
    Id dataset = openDataset(name);
    Id type(H5Dget_type(dataset.get()), H5Tclose);
    const int index = H5Tget_member_index(type.get(), column.c_str());
    if (index < 0)
        fail(childPath(name), "missing column '" + column + "'");
    Id member(H5Tget_member_type(type.get(), unsigned(index)), H5Tclose);
    if (H5Tget_class(member.get()) != H5T_STRING || H5Tis_variable_str(member.get()) <= 0)
        fail(childPath(name), "column '" + column + "' holds " + kindName(member.get()) +
                                  ", expected variable-length strings");
    Id text = stringType(H5Tget_cset(member.get()));
    Id memType(H5Tcreate(H5T_COMPOUND, sizeof(char*)), H5Tclose);
    H5Tinsert(memType.get(), column.c_str(), 0, text.get());
    std::vector<char*> buffer(rows, nullptr);
    if (rows > 0 && H5Dread(dataset.get(), memType.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
        fail(childPath(name), "cannot read column '" + column + "': " + lastError());
    std::vector<std::string> values;
    for (char* value : buffer)
        values.emplace_back(value != nullptr ? value : "");
    if (rows > 0) {
        Id space(H5Dget_space(dataset.get()), H5Sclose);
        H5Dvlen_reclaim(memType.get(), space.get(), H5P_DEFAULT, buffer.data());
    }
    return values;
}

} // namespace espalier::core::h5
