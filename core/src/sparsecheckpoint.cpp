#include "sparsecheckpoint.h"

#include <set>

#include "atomicfile.h"
#include "espalier/core/errors.h"
#include "hdf5file.h"
#include "hdf5tensor.h"

namespace espalier::core {

namespace {

constexpr const char* kCheckpointFormat = "espalier-sparse-checkpoint";
constexpr std::int64_t kCheckpointFileVersion = 1;

void writeSparseTensor(const h5::Group& sparse, const std::string& name, const torch::Tensor& weight,
                       const torch::Tensor& mask)
{
    const h5::Group group = sparse.createGroup(name);
    const auto sizes = weight.sizes();
    group.writeInt64Array("shape", std::vector<std::int64_t>(sizes.begin(), sizes.end()));
    group.writeInt64("numel", weight.numel());
    const torch::Tensor flatMask = mask.to(torch::kBool).reshape({-1});
    const torch::Tensor values = weight.detach().reshape({-1}).masked_select(flatMask);
    group.writeInt64("kept", values.numel());
    const std::vector<std::uint8_t> bits = packMask(flatMask);
    group.writeDataset("bitmask", {std::int64_t(bits.size())}, bits, compressionFor(bits.data(), bits.size()));
    writeTensor(group, "values", values);
}

CheckpointTensor readSparseTensor(const h5::Group& sparse, const std::string& name)
{
    const h5::Group group = sparse.openGroup(name);
    const std::vector<std::int64_t> shape = group.readInt64Array("shape");
    const std::int64_t numel = group.readInt64("numel");
    const std::int64_t kept = group.readInt64("kept");
    std::int64_t product = 1;
    for (std::int64_t d : shape)
        product *= d;
    if (product != numel || numel < 0)
        group.fail(group.path(), "numel " + std::to_string(numel) + " does not match its shape");
    const std::vector<std::uint8_t> bits = group.readDataset<std::uint8_t>("bitmask");
    if (std::int64_t(bits.size()) != (numel + 7) / 8)
        group.fail(group.path() + "/bitmask", "holds " + std::to_string(bits.size()) + " bytes, " +
                                                  std::to_string(numel) + " entries need " +
                                                  std::to_string((numel + 7) / 8));
    const torch::Tensor mask = unpackMask(bits, numel);
    if (mask.sum().item<std::int64_t>() != kept)
        group.fail(group.path(), "the bitmask keeps " + std::to_string(mask.sum().item<std::int64_t>()) +
                                     " entries but the attribute kept is " + std::to_string(kept));
    const torch::Tensor values = readTensor(group, "values");
    if (values.dim() != 1 || values.numel() != kept)
        group.fail(group.path() + "/values", "holds " + std::to_string(values.numel()) + " values for " +
                                                 std::to_string(kept) + " kept entries");
    torch::Tensor dense = torch::zeros({numel}, values.options());
    dense.masked_scatter_(mask, values);
    return {name, dense.reshape(shape), mask.reshape(shape)};
}

} // namespace

std::vector<std::uint8_t> packMask(const torch::Tensor& mask)
{
    const std::int64_t numel = mask.numel();
    const std::int64_t bytes = (numel + 7) / 8;
    torch::Tensor bits = torch::zeros({bytes * 8}, torch::kUInt8);
    bits.slice(0, 0, numel).copy_(mask.reshape({-1}).to(torch::kUInt8));
    const torch::Tensor weights = torch::tensor({128, 64, 32, 16, 8, 4, 2, 1}, torch::kInt32);
    const torch::Tensor packed = (bits.view({bytes, 8}).to(torch::kInt32) * weights).sum(1).to(torch::kUInt8);
    return {packed.data_ptr<std::uint8_t>(), packed.data_ptr<std::uint8_t>() + bytes};
}

torch::Tensor unpackMask(const std::vector<std::uint8_t>& bits, std::int64_t numel)
{
    const auto bytes = torch::tensor(std::vector<std::int32_t>(bits.begin(), bits.end()), torch::kInt32);
    const torch::Tensor shifts = torch::arange(7, -1, -1, torch::kInt32);
    const torch::Tensor flat = bytes.unsqueeze(1).bitwise_right_shift(shifts).bitwise_and(1).reshape({-1});
    return flat.slice(0, 0, numel).to(torch::kBool);
}

void writeSparseCheckpoint(const Model& model, const MaskSet& masks, const std::string& path)
{
    AtomicFile out(path);
    h5::File file = h5::File::create(out.tempPath(), path);
    {
        const h5::Group root = file.root();
        root.writeString("format", kCheckpointFormat);
        root.writeInt64("format_version", kCheckpointFileVersion);
        root.writeString("espalier_version", ESPALIER_VERSION);
        root.writeString("model", model.name);
        const h5::Group sparse = root.createGroup("sparse");
        std::set<std::string> stored;
        for (std::size_t i = 0; i < masks.size(); ++i) {
            writeSparseTensor(sparse, masks.tensors()[i].name, masks.tensors()[i].weight, masks.mask(i));
            stored.insert(masks.tensors()[i].name);
        }
        const h5::Group dense = root.createGroup("dense");
        for (const auto& p : model.module.named_parameters(/*recurse=*/true))
            if (stored.insert(p.name).second)
                writeTensor(dense, p.name, p.value);
        for (const auto& b : model.module.named_buffers(/*recurse=*/true))
            if (stored.insert(b.name).second)
                writeTensor(dense, b.name, b.value);
    }
    file.close();
    out.commit();
}

SparseCheckpoint readSparseCheckpoint(const std::string& path)
{
    h5::File file = h5::File::open(path);
    SparseCheckpoint checkpoint;
    {
        const h5::Group root = file.root();
        const std::string format = root.hasAttribute("format") ? root.readString("format") : std::string();
        if (format != kCheckpointFormat)
            throw InputError(path + ": not an Espalier sparse checkpoint (" +
                             (format.empty() ? std::string("no 'format' attribute") : "format = '" + format + "'") +
                             ")");
        if (root.readInt64("format_version") > kCheckpointFileVersion)
            throw InputError(path + ": format_version " + std::to_string(root.readInt64("format_version")) +
                             " was written by a newer Espalier (this one reads version 1)");
        checkpoint.model = root.readString("model");
        checkpoint.espalierVersion = root.readString("espalier_version");
        const h5::Group sparse = root.openGroup("sparse");
        for (const std::string& name : sparse.children())
            checkpoint.tensors.push_back(readSparseTensor(sparse, name));
        const h5::Group dense = root.openGroup("dense");
        for (const std::string& name : dense.children())
            checkpoint.tensors.push_back({name, readTensor(dense, name), {}});
    }
    file.close();
    return checkpoint;
}

} // namespace espalier::core
