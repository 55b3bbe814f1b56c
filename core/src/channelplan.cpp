#include "channelplan.h"

#include <map>
#include <set>
#include <stdexcept>

#include "moduleaccess.h"

namespace espalier::core {
namespace {

std::int64_t keptCount(const std::vector<int>& atoms, const ChannelGraph& graph, const ChannelKeep& keep)
{
    std::int64_t n = 0;
    for (int a : atoms)
        n += keep[graph.classOf[a]] ? 1 : 0;
    return n;
}

// Each tensor dimension once, even when a shared layer lists it twice.
std::vector<const ChannelSlice*> distinctSlices(const ChannelGraph& graph)
{
    std::set<std::pair<std::string, int>> seen;
    std::vector<const ChannelSlice*> out;
    for (const auto& slice : graph.slices)
        if (seen.emplace(slice.tensor, slice.dim).second)
            out.push_back(&slice);
    return out;
}

} // namespace

std::vector<std::int64_t> keptChannels(const ChannelGraph& graph, const ChannelKeep& keep)
{
    std::vector<std::int64_t> kept;
    for (const auto& layer : graph.layers) {
        std::int64_t n = 0;
        for (std::int64_t c = 0; c < layer.channels; ++c)
            n += keep[graph.classOf[layer.firstAtom + c]] ? 1 : 0;
        kept.push_back(n);
    }
    return kept;
}

torch::Tensor keptIndices(const ChannelSlice& slice, const ChannelGraph& graph, const ChannelKeep& keep)
{
    std::vector<std::int64_t> indices;
    for (std::size_t k = 0; k < slice.atoms.size(); ++k)
        if (keep[graph.classOf[slice.atoms[k]]])
            for (std::int64_t e = 0; e < slice.expand; ++e)
                indices.push_back(static_cast<std::int64_t>(k) * slice.expand + e);
    return torch::tensor(indices, torch::kLong);
}

torch::Tensor keptEntries(const ChannelSlice& slice, const ChannelGraph& graph, const ChannelKeep& keep,
                          at::IntArrayRef shape)
{
    const auto length = static_cast<std::int64_t>(slice.atoms.size()) * slice.expand;
    if (slice.dim >= static_cast<int>(shape.size()) || shape[slice.dim] != length)
        throw std::logic_error("channel slice of " + slice.tensor + " does not match the tensor's shape");
    auto line = torch::zeros({length}, torch::kBool);
    line.index_fill_(0, keptIndices(slice, graph, keep), true);
    std::vector<std::int64_t> view(shape.size(), 1);
    view[slice.dim] = length;
    return line.view(view).expand(shape).contiguous();
}

std::int64_t predictedParameters(const torch::jit::Module& module, const ChannelGraph& graph, const ChannelKeep& keep)
{
    std::map<std::string, std::vector<std::int64_t>> shapes;
    for (const auto& p : module.named_parameters(/*recurse=*/true))
        shapes[p.name] = p.value.sizes().vec();
    for (const auto* slice : distinctSlices(graph)) {
        auto it = shapes.find(slice->tensor);
        if (it != shapes.end())
            it->second[slice->dim] = keptCount(slice->atoms, graph, keep) * slice->expand;
    }
    std::int64_t total = 0;
    for (const auto& [name, shape] : shapes) {
        std::int64_t n = 1;
        for (auto d : shape)
            n *= d;
        total += n;
    }
    return total;
}

torch::jit::Module shrinkModule(const torch::jit::Module& module, const ChannelGraph& graph, const ChannelKeep& keep)
{
    torch::NoGradGuard noGrad;
    auto copy = module.deepcopy();
    std::map<std::string, torch::Tensor> shrunk;
    for (const auto* slice : distinctSlices(graph)) {
        auto it = shrunk.find(slice->tensor);
        torch::Tensor current = it != shrunk.end() ? it->second : namedTensor(copy, slice->tensor);
        shrunk[slice->tensor] = current.index_select(slice->dim, keptIndices(*slice, graph, keep));
    }
    for (auto& [name, tensor] : shrunk) {
        auto [owner, attr] = attributeOwner(copy, name);
        const bool grad = owner.attr(attr).toTensor().requires_grad();
        owner.setattr(attr, tensor.contiguous().detach().requires_grad_(grad));
    }
    for (const auto& pad : graph.pads) {
        if (pad.beforeAttribute.empty() || pad.afterAttribute.empty())
            continue;
        auto [before, beforeAttr] = attributeOwner(copy, pad.beforeAttribute);
        before.setattr(beforeAttr, keptCount(pad.beforeAtoms, graph, keep));
        auto [after, afterAttr] = attributeOwner(copy, pad.afterAttribute);
        after.setattr(afterAttr, keptCount(pad.afterAtoms, graph, keep));
    }
    return copy;
}

void zeroRemovedChannels(torch::jit::Module& module, const ChannelGraph& graph, const ChannelKeep& keep)
{
    torch::NoGradGuard noGrad;
    for (const auto* slice : distinctSlices(graph)) {
        using Role = ChannelSlice::Role;
        if (slice->role == Role::Consumer || slice->role == Role::NormStatistic)
            continue;
        auto tensor = namedTensor(module, slice->tensor);
        for (std::size_t k = 0; k < slice->atoms.size(); ++k)
            if (!keep[graph.classOf[slice->atoms[k]]])
                tensor.narrow(0, static_cast<std::int64_t>(k) * slice->expand, slice->expand).zero_();
    }
}

} // namespace espalier::core
