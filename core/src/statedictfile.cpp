#include "statedictfile.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include <caffe2/serialize/inline_container.h>

#include "espalier/core/errors.h"
#include "picklereader.h"

namespace espalier::core {

namespace {

using Kind = PickleValue::Kind;

std::string leadingBytes(const std::string& path, std::size_t n)
{
    std::ifstream in(path, std::ios::binary);
    std::string bytes(n, '\0');
    in.read(bytes.data(), std::streamsize(n));
    bytes.resize(std::size_t(in.gcount()));
    return bytes;
}

// Explains why a file that torch.save did not write as a zip archive cannot be read.
[[noreturn]] void failNotZip(const std::string& path)
{
    const std::string head = leadingBytes(path, 4);
    if (head.size() >= 2 && std::uint8_t(head[0]) == 0x80)
        throw InputError(path + ": saved in PyTorch's legacy format (before PyTorch 1.6, or with "
                                "_use_new_zipfile_serialization=False); save it again with "
                                "torch.save(state_dict, path)");
    throw InputError(path + ": not a PyTorch state_dict (torch.save writes a zip archive; this file starts with "
                            "other bytes)");
}

torch::Tensor readStorage(caffe2::serialize::PyTorchStreamReader& archive, const std::string& path,
                          const std::string& key, c10::ScalarType dtype, std::int64_t numel)
{
    const std::string record = "data/" + key;
    if (!archive.hasRecord(record))
        throw InputError(path + ": the archive has no record " + record + " (truncated or damaged file)");
    auto [data, size] = archive.getRecord(record);
    auto storage = torch::empty({numel}, torch::TensorOptions().dtype(dtype));
    const auto bytes = std::size_t(storage.nbytes());
    if (size < bytes)
        throw InputError(path + ": record " + record + " holds " + std::to_string(size) + " bytes, its tensor needs " +
                         std::to_string(bytes) + " (truncated or damaged file)");
    if (bytes > 0)
        std::memcpy(storage.data_ptr(), data.get(), bytes);
    return storage;
}

// The dict of tensors itself, or the one a training checkpoint keeps under a well-known key.
const PickleValue& stateDictOf(const PickleValue& root, const std::string& path)
{
    if (root.kind != Kind::Dict)
        throw InputError(path + ": not a state_dict (the saved object is not a dict)");
    for (std::size_t i = 0; i + 1 < root.items.size(); i += 2) {
        const auto& key = root.items[i]->text;
        if ((key == "state_dict" || key == "model_state_dict") && root.items[i + 1]->kind == Kind::Dict)
            return *root.items[i + 1];
    }
    return root;
}

} // namespace

std::vector<NamedTensor> readStateDictFile(const std::string& path)
{
    if (!std::filesystem::is_regular_file(path))
        throw InputError(path + ": no such file");
    if (leadingBytes(path, 4) != std::string("PK\x03\x04", 4))
        failNotZip(path);
    PickleRef root;
    try {
        caffe2::serialize::PyTorchStreamReader archive(path);
        if (archive.hasRecord("constants.pkl") || archive.hasRecord("code/__torch__.py"))
            throw InputError(path + ": a TorchScript model (torch.jit.save), not a state_dict; use it as model.name");
        if (!archive.hasRecord("data.pkl"))
            throw InputError(path + ": a zip archive without data.pkl, not a torch.save file");
        auto [data, size] = archive.getRecord("data.pkl");
        const std::string pickle(static_cast<const char*>(data.get()), size);
        root = readPickle(pickle, [&](const std::string& key, c10::ScalarType dtype, std::int64_t numel) {
            return readStorage(archive, path, key, dtype, numel);
        });
    } catch (const c10::Error& e) {
        throw InputError(path + ": cannot read the torch.save archive (truncated or damaged file?): " +
                         e.what_without_backtrace());
    } catch (const InputError&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw InputError(path + ": not a state_dict: " + e.what());
    }

    std::vector<NamedTensor> tensors;
    const PickleValue& dict = stateDictOf(*root, path);
    for (std::size_t i = 0; i + 1 < dict.items.size(); i += 2) {
        const PickleValue& key = *dict.items[i];
        const PickleValue& value = *dict.items[i + 1];
        if (key.kind != Kind::String)
            throw InputError(path + ": not a state_dict (a key is not a string)");
        if (value.kind != Kind::Tensor)
            throw InputError(path + ": not a state_dict: the value of '" + key.text + "' is not a tensor");
        tensors.push_back({key.text, value.tensor});
    }
    return tensors;
}

} // namespace espalier::core
