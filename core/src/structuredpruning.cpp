#include "espalier/core/structured.h"

#include <cmath>
#include <sstream>

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include "atomicfile.h"
#include "channelgraph.h"
#include "channelplan.h"
#include "channelscores.h"
#include "channelselection.h"
#include "dataset.h"
#include "espalier/core/errors.h"
#include "maskset.h"
#include "modelcost.h"
#include "modelexport.h"
#include "modelimport.h"
#include "prunable.h"
#include "reciperules.h"
#include "torchruntime.h"
#include "trainer.h"

namespace espalier::core {
namespace {

constexpr std::int64_t kLogitCheckSamples = 256;

void checkRequest(const StructuredRequest& r)
{
    if (!(r.fraction >= 0.0 && r.fraction < 1.0))
        throw InputError("fraction " + std::to_string(r.fraction) + ": the fraction of channels to remove must be in [0, 1)");
    if (r.roundTo < 1)
        throw InputError("round_to " + std::to_string(r.roundTo) + ": must be at least 1");
    if (r.latencyBatch < 1 || r.latencyRepeats < 1)
        throw InputError("the latency batch and repeats must be at least 1");
    if (r.samples < 1)
        throw InputError("samples " + std::to_string(r.samples) + ": must be at least 1");
}

// The first reason a layer kept channels it might otherwise have lost.
std::string keptBecause(const ChannelGraph& graph, const ChannelLayer& layer)
{
    for (std::int64_t c = 0; c < layer.channels; ++c) {
        const auto& why = graph.blockedBy[graph.classOf[layer.firstAtom + c]];
        if (!why.empty())
            return why;
    }
    return {};
}

double maxDifference(Model& a, Model& b, const TensorDataset& test)
{
    torch::NoGradGuard noGrad;
    const auto n = std::min<std::int64_t>(kLogitCheckSamples, test.size());
    if (n == 0)
        return 0.0;
    const auto x = test.images.slice(0, 0, n);
    return (a.forward(x) - b.forward(x)).abs().max().item<double>();
}

} // namespace

struct StructuredPruning::Impl {
    StructuredResult result;
    Model original;
    Model smaller;
    ChannelGraph graph;
    ChannelKeep keep;
};

StructuredPruning::StructuredPruning(const StructuredRequest& request) : impl_(std::make_unique<Impl>())
{
    checkRequest(request);
    const auto criterion = parseChannelCriterion(request.criterion, "criterion");
    prepareTorchRuntime(request.threads);
    torch::manual_seed(request.seed);
    DataSpec dataSpec = request.data;
    if (dataSpec.root.empty())
        dataSpec.root = defaultDataRoot(dataSpec.name);
    auto data = loadData(dataSpec, request.seed);
    auto& d = *impl_;
    d.original = makeModel(request.model, data.sampleShape, data.numClasses);
    MaskSet masks(findPrunableTensors(d.original.module, {}));
    importModelState(request.model, d.original, masks);
    d.original.module.eval();

    d.graph = analyseChannels(d.original.module);
    const auto n = std::min<std::int64_t>(request.samples, data.train.size());
    const TensorDataset samples{data.train.images.slice(0, 0, n), data.train.labels.slice(0, 0, n)};
    auto generator = at::make_generator<at::CPUGeneratorImpl>(request.seed);
    const auto scores = channelScores(d.original, d.graph, criterion, samples, generator);
    auto& r = d.result;
    for (int c = 0; c < d.graph.classCount; ++c)
        if (d.graph.prunable(c) && std::isfinite(scores[c]))
            ++r.prunableChannels;
    if (r.prunableChannels == 0) {
        std::string reasons;
        for (const auto& layer : d.graph.layers)
            if (const auto why = keptBecause(d.graph, layer); !why.empty() && reasons.size() < 600)
                reasons += "\n  " + layer.name + ": " + why;
        throw InputError("criterion " + request.criterion + ": no channel of " + d.original.name + " can be pruned" +
                         (criterion == ChannelCriterion::BatchNormGamma ? " (slimming needs BatchNorm layers)" : "") +
                         reasons);
    }
    d.keep = selectChannels(d.graph, scores, ChannelTargets{request.fraction, request.global, request.roundTo});
    for (int c = 0; c < d.graph.classCount; ++c)
        if (!d.keep[c])
            ++r.removedChannels;

    r.predictedParameters = predictedParameters(d.original.module, d.graph, d.keep);
    d.smaller = d.original;
    d.smaller.module = shrinkModule(d.original.module, d.graph, d.keep);
    d.smaller.module.eval();

    r.model = d.original.name;
    r.dataset = data.description;
    r.criterion = request.criterion;
    const auto kept = keptChannels(d.graph, d.keep);
    for (std::size_t l = 0; l < d.graph.layers.size(); ++l) {
        const auto& layer = d.graph.layers[l];
        const int group = d.graph.groupOf[d.graph.classOf[layer.firstAtom]];
        r.layers.push_back({layer.name, layer.channels, kept[l], group, keptBecause(d.graph, layer)});
    }
    const auto before = measureCost(d.original.module, data.sampleShape);
    const auto after = measureCost(d.smaller.module, data.sampleShape);
    r.parametersBefore = before.parameters;
    r.parametersAfter = after.parameters;
    r.macsBefore = before.multiplyAccumulates;
    r.macsAfter = after.multiplyAccumulates;
    r.accuracyBefore = evaluate(d.original, data.test).accuracy;
    r.accuracyAfter = evaluate(d.smaller, data.test).accuracy;

    Model zeroed = d.original;
    zeroed.module = d.original.module.deepcopy();
    zeroRemovedChannels(zeroed.module, d.graph, d.keep);
    r.maxLogitDifference = maxDifference(zeroed, d.smaller, data.test);

    r.latencyBatch = request.latencyBatch;
    const auto latency = compareLatency({d.original.module, d.smaller.module}, data.sampleShape, request.latencyBatch,
                                        request.latencyRepeats);
    r.latencyBeforeMs = latency[0];
    r.latencyAfterMs = latency[1];
}

StructuredPruning::~StructuredPruning() = default;

const StructuredResult& StructuredPruning::result() const
{
    return impl_->result;
}

void StructuredPruning::saveModel(const std::string& path) const
{
    saveTorchScript(impl_->smaller, path);
}

void StructuredPruning::saveChannelMap(const std::string& path) const
{
    const auto& d = *impl_;
    nlohmann::json layers = nlohmann::json::array();
    for (std::size_t l = 0; l < d.graph.layers.size(); ++l) {
        const auto& layer = d.graph.layers[l];
        std::vector<std::int64_t> kept;
        for (std::int64_t c = 0; c < layer.channels; ++c)
            if (d.keep[d.graph.classOf[layer.firstAtom + c]])
                kept.push_back(c);
        layers.push_back({{"layer", layer.name},
                          {"weight", layer.weight},
                          {"channels", layer.channels},
                          {"group", d.result.layers[l].group},
                          {"kept", kept}});
    }
    nlohmann::json pads = nlohmann::json::array();
    for (const auto& pad : d.graph.pads) {
        if (pad.beforeAttribute.empty() || pad.afterAttribute.empty())
            continue;
        auto count = [&](const std::vector<int>& atoms) {
            return std::count_if(atoms.begin(), atoms.end(), [&](int a) { return bool(d.keep[d.graph.classOf[a]]); });
        };
        pads.push_back({{"before_attribute", pad.beforeAttribute},
                        {"after_attribute", pad.afterAttribute},
                        {"before", count(pad.beforeAtoms)},
                        {"after", count(pad.afterAtoms)}});
    }
    const nlohmann::json doc{{"format", "espalier-channel-map"},
                             {"format_version", 1},
                             {"model", d.result.model},
                             {"criterion", d.result.criterion},
                             {"parameters", d.result.parametersAfter},
                             {"layers", layers},
                             {"channel_pads", pads}};
    writeFileAtomically(path, doc.dump(2) + "\n");
}

} // namespace espalier::core
