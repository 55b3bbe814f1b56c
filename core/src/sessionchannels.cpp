// The channel cut of a session (recipe.channels): structured pruning on the masked dense model.
// Removed channels become whole zero rows of their producers' masks and zero columns of their
// consumers' masks; their biases and BatchNorm entries are held at zero like masked weights. So
// rounds, rollback, resume and every unstructured method work unchanged on what the cut leaves, and
// the smaller dense model (shrinkModule) computes exactly what the session's model computes.
#include "sessionimpl.h"

#include <set>

#include "channelplan.h"
#include "channelscores.h"
#include "channelselection.h"
#include "moduleaccess.h"

namespace espalier::core {
namespace {

ChannelKeep keepFromRemoved(const ChannelGraph& graph, const std::vector<std::int64_t>& removed)
{
    ChannelKeep keep(static_cast<std::size_t>(graph.classCount), true);
    for (auto c : removed)
        keep.at(static_cast<std::size_t>(c)) = false;
    return keep;
}

bool isWeightSlice(const ChannelSlice& slice)
{
    return slice.role == ChannelSlice::Role::Producer || slice.role == ChannelSlice::Role::Consumer;
}

} // namespace

void Session::Impl::prepareChannelCut()
{
    if (!recipe.channels.enabled())
        return;
    channelGraph = analyseChannels(model.module);
    const auto& graph = *channelGraph;
    int prunable = 0;
    for (int c = 0; c < graph.classCount; ++c)
        prunable += graph.prunable(c) ? 1 : 0;
    if (prunable == 0)
        throw InputError("channels.method: " + model.name + " has no channel that can be removed" +
                         (graph.blockedBy.empty() ? std::string() : " (" + graph.blockedBy.front() + ")"));
    if (recipe.channels.method == "slimming") {
        const bool hasNorm = std::any_of(graph.slices.begin(), graph.slices.end(), [](const ChannelSlice& s) {
            return s.role == ChannelSlice::Role::NormWeight;
        });
        if (!hasNorm)
            throw InputError("channels.method: slimming ranks channels by the BatchNorm γ after them, and " + model.name +
                             " has no BatchNorm after a Conv or Linear layer (use l1-filter, taylor or random, or a "
                             "model with BatchNorm such as lenet5-bn)");
    }
}

std::string Session::Impl::cutChannels(int round)
{
    const auto& graph = *channelGraph;
    const auto& settings = recipe.channels;
    update([&](Snapshot& s) { s.phase = "channels"; });
    publish(true);

    const auto n = std::min<std::int64_t>(settings.samples, data.train.size());
    const TensorDataset samples{data.train.images.slice(0, 0, n), data.train.labels.slice(0, 0, n)};
    auto scores = channelScores(model, graph, parseChannelCriterion(settings.method, "channels.method"), samples, generator);
    // Layers the recipe excludes or locks keep their channels: their classes are not scored.
    std::set<std::string> cuttable;
    for (std::size_t i = 0; i < masks.size(); ++i)
        if (!constraints.locked[i])
            cuttable.insert(masks.tensors()[i].name);
    for (std::size_t a = 0; a < graph.atomLayer.size(); ++a) {
        const int layer = graph.atomLayer[a];
        if (layer >= 0 && !cuttable.count(graph.layers[layer].weight))
            scores[graph.classOf[a]] = std::numeric_limits<double>::quiet_NaN();
    }
    const ChannelTargets targets{settings.fraction, settings.allocation == "global", settings.roundTo};
    const ChannelKeep keep = selectChannels(graph, scores, targets);

    std::map<std::string, std::size_t> maskIndex;
    for (std::size_t i = 0; i < masks.size(); ++i)
        maskIndex[masks.tensors()[i].name] = i;
    auto next = cloneTensors(masks.masks());
    for (const auto& slice : graph.slices) {
        const auto it = maskIndex.find(slice.tensor);
        if (!isWeightSlice(slice) || it == maskIndex.end() || constraints.locked[it->second])
            continue;
        next[it->second] &= keptEntries(slice, graph, keep, next[it->second].sizes());
    }
    removedChannelClasses.clear();
    std::int64_t removed = 0;
    std::int64_t candidates = 0;
    for (std::size_t c = 0; c < keep.size(); ++c) {
        if (!keep[c])
            removedChannelClasses.push_back(static_cast<std::int64_t>(c));
        candidates += graph.prunable(int(c)) ? 1 : 0;
    }
    for (std::size_t a = 0; a < graph.atomLayer.size(); ++a)
        removed += graph.atomLayer[a] >= 0 && !keep[graph.classOf[a]] ? 1 : 0;

    previousMasks = cloneTensors(masks.masks());
    masks.setMasks(std::move(next));
    zeroRemovedChannels(model.module, graph, keep);
    holdRemovedChannels();
    masks.applyToWeights();
    std::vector<std::string> names;
    for (const auto& t : masks.tensors())
        names.push_back(t.name);
    effectiveCache = analyseConnectivity(model, names, masks.masks()).effectiveKept;
    refreshKept();
    update([&](Snapshot& s) { s.layers = layerStats(); });

    std::int64_t parameters = 0;
    for (const auto& p : model.module.parameters())
        parameters += p.numel();
    std::ostringstream text;
    text.setf(std::ios::fixed);
    text.precision(2);
    text << "round " << round << ": " << settings.method << " removed " << removedChannelClasses.size() << " of "
         << candidates << " prunable channel groups (" << removed << " layer channels); "
         << 100.0 * masks.sparsity() << " % of the prunable weights are gone; the smaller model has "
         << predictedParameters(model.module, graph, keep) << " of " << parameters << " parameters; test accuracy "
         << 100.0 * evaluate(model, data.test).accuracy << " % before fine-tuning";
    return text.str();
}

void Session::Impl::holdRemovedChannels()
{
    if (removedChannelClasses.empty()) {
        masks.setHeldEntries({});
        return;
    }
    if (!channelGraph)
        channelGraph = analyseChannels(model.module);
    const auto& graph = *channelGraph;
    const auto keep = keepFromRemoved(graph, removedChannelClasses);
    std::vector<HeldEntries> held;
    for (const auto& slice : graph.slices) {
        using Role = ChannelSlice::Role;
        if (slice.role != Role::ProducerBias && slice.role != Role::NormWeight && slice.role != Role::NormBias)
            continue;
        auto tensor = namedTensor(model.module, slice.tensor);
        held.push_back({tensor, keptEntries(slice, graph, keep, tensor.sizes())});
    }
    masks.setHeldEntries(std::move(held));
}

void Session::saveSmallerModel(const std::string& path) const
{
    const auto& impl = *m_impl;
    if (impl.removedChannelClasses.empty() || !impl.channelGraph)
        throw InputError("cannot save a smaller model to " + path +
                         ": no channel has been removed (set channels.method in the recipe; the cut happens in round 1)");
    Model smaller = impl.model;
    smaller.module = shrinkModule(impl.model.module, *impl.channelGraph,
                                  keepFromRemoved(*impl.channelGraph, impl.removedChannelClasses));
    smaller.module.eval();
    saveTorchScript(smaller, path);
}

std::vector<torch::Tensor> Session::Impl::slimmingPenaltyTensors() const
{
    std::vector<torch::Tensor> gammas;
    std::set<std::string> seen;
    for (const auto& slice : channelGraph->slices)
        if (slice.role == ChannelSlice::Role::NormWeight && seen.insert(slice.tensor).second)
            gammas.push_back(namedTensor(model.module, slice.tensor));
    return gammas;
}

} // namespace espalier::core
