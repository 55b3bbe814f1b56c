#include "modelimport.h"

#include <fstream>
#include <map>
#include <set>

#include "espalier/core/errors.h"
#include "maskfile.h"
#include "sparsecheckpoint.h"
#include "statedictfile.h"

namespace espalier::core {

namespace {

constexpr const char* kWeightsKey = "model.weights";
constexpr const char* kMasksKey = "model.masks";

/// Tensors by name from a weights file, and the masks it carries.
struct ImportedWeights {
    std::map<std::string, torch::Tensor> tensors;
    std::map<std::string, torch::Tensor> masks; ///< bool
};

std::string shapeText(c10::IntArrayRef shape)
{
    std::string text;
    for (std::int64_t d : shape) {
        if (!text.empty())
            text += 'x';
        text += std::to_string(d);
    }
    return text.empty() ? std::string("scalar") : text;
}

bool isHdf5(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char head[8] = {};
    in.read(head, sizeof head);
    return in.gcount() == 8 && std::string(head, 8) == std::string("\x89HDF\r\n\x1a\n", 8);
}

// torch.nn.utils.prune keeps `<name>_orig` and `<name>_mask`; the model computes with their product.
ImportedWeights foldPruning(const std::vector<NamedTensor>& stateDict, const std::string& path)
{
    ImportedWeights out;
    for (const auto& [name, tensor] : stateDict)
        out.tensors[name] = tensor;
    for (const auto& [name, tensor] : stateDict) {
        if (!name.ends_with("_orig") || !out.tensors.contains(name.substr(0, name.size() - 5) + "_mask"))
            continue;
        const std::string base = name.substr(0, name.size() - 5);
        const torch::Tensor mask = out.tensors[base + "_mask"];
        if (!mask.sizes().equals(tensor.sizes()))
            throw InputError(path + ": '" + base + "_mask' has shape " + shapeText(mask.sizes()) + " but '" + name +
                             "' has " + shapeText(tensor.sizes()));
        out.tensors[base] = tensor * mask.to(tensor.dtype());
        out.masks[base] = mask.ne(0);
        out.tensors.erase(name);
        out.tensors.erase(base + "_mask");
    }
    return out;
}

ImportedWeights readWeights(const std::string& path)
{
    if (!isHdf5(path))
        return foldPruning(readStateDictFile(path), path);
    ImportedWeights out;
    for (auto& t : readSparseCheckpoint(path).tensors) {
        out.tensors[t.name] = t.value;
        if (t.mask.defined())
            out.masks[t.name] = t.mask;
    }
    return out;
}

void copyWeights(Model& model, const ImportedWeights& weights, const std::string& path)
{
    torch::NoGradGuard noGrad;
    std::set<std::string> used;
    const auto load = [&](const std::string& name, torch::Tensor target) {
        const auto it = weights.tensors.find(name);
        if (it == weights.tensors.end())
            throw InputError(path + ": no tensor '" + name + "' (" + model.name + " needs it, shape " +
                             shapeText(target.sizes()) + ")");
        if (!it->second.sizes().equals(target.sizes()))
            throw InputError(path + ": tensor '" + name + "' has shape " + shapeText(it->second.sizes()) + ", " +
                             model.name + " expects " + shapeText(target.sizes()));
        target.copy_(it->second);
        used.insert(name);
    };
    for (const auto& p : model.module.named_parameters(/*recurse=*/true))
        load(p.name, p.value);
    for (const auto& b : model.module.named_buffers(/*recurse=*/true))
        load(b.name, b.value);
    for (const auto& [name, tensor] : weights.tensors) {
        // PyTorch's BatchNorm counts its batches; our BatchNorm uses a fixed momentum and has no counter.
        if (!used.contains(name) && !name.ends_with("num_batches_tracked"))
            throw InputError(path + ": tensor '" + name + "' is not a parameter or buffer of " + model.name);
    }
}

std::size_t prunableIndex(const MaskSet& masks, const std::string& name, const std::string& path,
                          const std::string& modelName)
{
    for (std::size_t i = 0; i < masks.size(); ++i)
        if (masks.tensors()[i].name == name)
            return i;
    std::string names;
    for (const auto& t : masks.tensors())
        names += (names.empty() ? "" : ", ") + t.name;
    throw InputError(path + ": mask for '" + name + "', which is not a prunable tensor of " + modelName +
                     " (prunable: " + names + ")");
}

// Pruned by either stays pruned: masks only shrink.
void narrow(std::vector<torch::Tensor>& combined, std::size_t index, const torch::Tensor& mask,
            const std::string& path, const std::string& name)
{
    if (!mask.sizes().equals(combined[index].sizes()))
        throw InputError(path + ": mask for '" + name + "' has shape " + shapeText(mask.sizes()) +
                         ", the weight's is " + shapeText(combined[index].sizes()));
    combined[index] = combined[index].logical_and(mask.to(torch::kBool));
}

template <typename F> void withKey(const char* key, F&& read)
{
    try {
        read();
    } catch (const InputError& e) {
        throw InputError(std::string(key) + ": " + e.what());
    }
}

} // namespace

void importModelState(const ModelSpec& spec, Model& model, MaskSet& masks)
{
    if (spec.weights.empty() && spec.masks.empty())
        return;
    std::vector<torch::Tensor> combined = masks.masks();
    withKey(kWeightsKey, [&] {
        if (spec.weights.empty())
            return;
        const ImportedWeights weights = readWeights(spec.weights);
        copyWeights(model, weights, spec.weights);
        for (std::size_t i = 0; i < masks.size(); ++i) {
            const auto it = weights.masks.find(masks.tensors()[i].name);
            if (it != weights.masks.end())
                narrow(combined, i, it->second, spec.weights, it->first);
        }
    });
    withKey(kMasksKey, [&] {
        if (spec.masks.empty())
            return;
        for (const MaskData& m : readMasksFile(spec.masks)) {
            const std::size_t i = prunableIndex(masks, m.name, spec.masks, model.name);
            const torch::Tensor mask = torch::tensor(m.mask, torch::kUInt8).reshape(m.shape);
            narrow(combined, i, mask, spec.masks, m.name);
        }
    });
    masks.setMasks(std::move(combined));
    masks.applyToWeights();
}

} // namespace espalier::core
