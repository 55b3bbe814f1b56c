// Structured pruning: channel dependencies found in the TorchScript graph, the smaller model equal
// to the dense model with the removed channels zeroed, residual couplings, rounding and the guard.

#include <QtTest>

#include <ATen/CPUGeneratorImpl.h>

#include "channelgraph.h"
#include "channelplan.h"
#include "channelscores.h"
#include "channelselection.h"
#include "model.h"
#include "modelcost.h"
#include "moduleaccess.h"
#include "testregistry.h"
#include "zoolayers.h"

namespace tst_structured {

using namespace espalier::core;

namespace {

// Trained-looking BatchNorm state, so zeroing a channel is not the same as γ = 1, β = 0.
void randomiseBatchNorm(torch::jit::Module& module)
{
    torch::NoGradGuard noGrad;
    for (const auto& p : module.named_parameters())
        if (p.name.find("bn") != std::string::npos)
            p.value.copy_(p.name.find("weight") != std::string::npos ? torch::rand_like(p.value) + 0.5
                                                                     : torch::randn_like(p.value) * 0.1);
    for (const auto& b : module.named_buffers()) {
        if (b.name.find("running_mean") != std::string::npos)
            b.value.copy_(torch::randn_like(b.value) * 0.1);
        if (b.name.find("running_var") != std::string::npos)
            b.value.copy_(torch::rand_like(b.value) + 0.5);
    }
}

Model zooModel(const std::string& name, const std::vector<std::int64_t>& input)
{
    torch::manual_seed(3);
    ModelSpec spec;
    spec.name = name;
    auto model = makeModel(spec, input, 10);
    randomiseBatchNorm(model.module);
    model.module.eval();
    return model;
}

struct Pruned {
    ChannelGraph graph;
    ChannelKeep keep;
    torch::jit::Module smaller;
};

Pruned prune(Model& model, ChannelCriterion criterion, ChannelTargets targets)
{
    Pruned p;
    p.graph = analyseChannels(model.module);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    const auto scores = channelScores(model, p.graph, criterion, TensorDataset{}, generator);
    p.keep = selectChannels(p.graph, scores, targets);
    p.smaller = shrinkModule(model.module, p.graph, p.keep);
    p.smaller.eval();
    return p;
}

int layerIndex(const ChannelGraph& graph, const std::string& name)
{
    for (std::size_t l = 0; l < graph.layers.size(); ++l)
        if (graph.layers[l].name == name)
            return static_cast<int>(l);
    return -1;
}

bool channelKept(const Pruned& p, const std::string& layer, std::int64_t channel)
{
    const auto& l = p.graph.layers[layerIndex(p.graph, layer)];
    return p.keep[p.graph.classOf[l.firstAtom + channel]];
}

// The smaller model's logits against the dense model with the removed channels zeroed.
double differenceToZeroedDense(Model& model, const Pruned& p, const std::vector<std::int64_t>& input)
{
    torch::NoGradGuard noGrad;
    auto zeroed = model.module.deepcopy();
    zeroRemovedChannels(zeroed, p.graph, p.keep);
    zeroed.eval();
    std::vector<std::int64_t> shape{8};
    shape.insert(shape.end(), input.begin(), input.end());
    const auto x = torch::randn(shape);
    auto smaller = p.smaller;
    const auto a = zeroed.forward({x}).toTensor();
    const auto b = smaller.forward({x}).toTensor();
    return (a - b).abs().max().item<double>() / std::max(1e-6, a.abs().max().item<double>());
}

std::int64_t parameterCount(const torch::jit::Module& module)
{
    std::int64_t n = 0;
    for (const auto& t : module.parameters())
        n += t.numel();
    return n;
}

} // namespace

class TestStructured : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void resnetShortcutsArePrunedTogether();
    void vggLosesHalfOfEveryConv();
    void flattenShrinksTheLinearInputByWholeMaps();
    void unknownOperationKeepsItsChannels();
    void roundingAndCollapseGuard();
    void slimmingRanksByBatchNormGamma();
    void costFollowsTheGraph();
};

void TestStructured::resnetShortcutsArePrunedTogether()
{
    const std::vector<std::int64_t> input{3, 32, 32};
    auto model = zooModel("resnet20", input);
    auto p = prune(model, ChannelCriterion::L1, {0.5, false, 1});

    // The residual stream: the stem and every block's second conv are coupled into one group.
    const int stream = p.graph.groupOf[p.graph.classOf[p.graph.layers[layerIndex(p.graph, "conv1")].firstAtom]];
    for (const char* name : {"layer1_0.conv2", "layer1_2.conv2", "layer2_0.conv2", "layer3_2.conv2"}) {
        const auto& l = p.graph.layers[layerIndex(p.graph, name)];
        QCOMPARE(p.graph.groupOf[p.graph.classOf[l.firstAtom]], stream);
    }
    // The first conv of a block stands alone.
    const auto& inner = p.graph.layers[layerIndex(p.graph, "layer2_1.conv1")];
    QVERIFY(p.graph.groupOf[p.graph.classOf[inner.firstAtom]] != stream);

    // Option A: stage-2 channel c + 8 is stage-1 channel c plus a residual; both go or both stay.
    for (std::int64_t c = 0; c < 16; ++c) {
        QCOMPARE(channelKept(p, "layer2_0.conv2", c + 8), channelKept(p, "conv1", c));
        QCOMPARE(channelKept(p, "layer1_1.conv2", c), channelKept(p, "conv1", c));
    }
    // The shortcut's zero padding shrank with the channels it lines up with.
    std::int64_t before = 0;
    for (std::int64_t c = 0; c < 8; ++c)
        before += channelKept(p, "layer2_0.conv2", c) ? 1 : 0;
    QCOMPARE(p.smaller.attr("layer2_0").toModule().attr("pad_before").toInt(), before);

    QCOMPARE(parameterCount(p.smaller), predictedParameters(model.module, p.graph, p.keep));
    QVERIFY(parameterCount(p.smaller) < parameterCount(model.module) * 0.4);
    const double diff = differenceToZeroedDense(model, p, input);
    QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
}

void TestStructured::vggLosesHalfOfEveryConv()
{
    const std::vector<std::int64_t> input{3, 32, 32};
    auto model = zooModel("vgg16", input);
    auto p = prune(model, ChannelCriterion::L1, {0.5, false, 1});
    const auto kept = keptChannels(p.graph, p.keep);
    for (std::size_t l = 0; l < p.graph.layers.size(); ++l) {
        const auto& layer = p.graph.layers[l];
        if (layer.name == "classifier")
            QCOMPARE(kept[l], layer.channels); // the network output is never pruned
        else
            QCOMPARE(kept[l], layer.channels / 2);
    }
    // L1 keeps the filters with the largest Σ|w|.
    const auto w = namedTensor(model.module, "conv3.weight").abs().sum({1, 2, 3});
    const auto order = std::get<1>(w.sort(0, /*descending=*/true));
    QVERIFY(channelKept(p, "conv3", order[0].item<std::int64_t>()));
    QVERIFY(!channelKept(p, "conv3", order[127].item<std::int64_t>()));

    QCOMPARE(parameterCount(p.smaller), predictedParameters(model.module, p.graph, p.keep));
    const double diff = differenceToZeroedDense(model, p, input);
    QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
}

void TestStructured::flattenShrinksTheLinearInputByWholeMaps()
{
    const std::vector<std::int64_t> input{1, 28, 28};
    auto model = zooModel("lenet5", input);
    auto p = prune(model, ChannelCriterion::L1, {0.5, false, 1});
    QCOMPARE(namedTensor(p.smaller, "conv2.weight").size(0), 25);
    QCOMPARE(namedTensor(p.smaller, "fc3.weight").size(1), 25 * 4 * 4);
    QCOMPARE(namedTensor(p.smaller, "conv2.weight").size(1), 10);
    QCOMPARE(namedTensor(p.smaller, "fc4.weight").size(1), 250);
    QCOMPARE(namedTensor(p.smaller, "fc4.weight").size(0), 10);
    const double diff = differenceToZeroedDense(model, p, input);
    QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
}

void TestStructured::unknownOperationKeepsItsChannels()
{
    torch::manual_seed(0);
    auto net = zoo::makeModule("Custom");
    net.register_module("fc1", zoo::makeLinear("Linear", 784, 64, zoo::WeightInit::PyTorchDefault));
    net.register_module("fc2", zoo::makeLinear("Linear", 64, 32, zoo::WeightInit::PyTorchDefault));
    net.register_module("fc3", zoo::makeLinear("Linear", 32, 10, zoo::WeightInit::PyTorchDefault));
    net.define(R"(
def forward(self, x):
    x = torch.flatten(x, 1)
    x = torch.sigmoid(self.fc1.forward(x))
    x = torch.relu(self.fc2.forward(x))
    return self.fc3.forward(x)
)");
    Model model{net, "custom", {1, 28, 28}, 10};
    auto p = prune(model, ChannelCriterion::L1, {0.5, false, 1});
    const auto& fc1 = p.graph.layers[layerIndex(p.graph, "fc1")];
    const auto& why = p.graph.blockedBy[p.graph.classOf[fc1.firstAtom]];
    QVERIFY2(why.find("aten::sigmoid") != std::string::npos, why.c_str());
    const auto kept = keptChannels(p.graph, p.keep);
    QCOMPARE(kept[layerIndex(p.graph, "fc1")], 64);
    QCOMPARE(kept[layerIndex(p.graph, "fc2")], 16);
    const double diff = differenceToZeroedDense(model, p, {1, 28, 28});
    QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
}

void TestStructured::roundingAndCollapseGuard()
{
    const std::vector<std::int64_t> input{3, 32, 32};
    auto model = zooModel("vgg11", input);
    auto rounded = prune(model, ChannelCriterion::Random, {0.55, false, 8});
    const auto kept = keptChannels(rounded.graph, rounded.keep);
    for (std::size_t l = 0; l + 1 < kept.size(); ++l) {
        QCOMPARE(kept[l] % 8, 0);
        // Rounding only ever keeps more: at most 7 channels above the 45 % the fraction leaves.
        const auto plain = rounded.graph.layers[l].channels - std::llround(0.55 * rounded.graph.layers[l].channels);
        QVERIFY(kept[l] >= plain && kept[l] < plain + 8);
    }

    auto extreme = prune(model, ChannelCriterion::L1, {0.9999, true, 1});
    for (auto k : keptChannels(extreme.graph, extreme.keep))
        QVERIFY(k >= 1);
    const double diff = differenceToZeroedDense(model, extreme, input);
    QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
}

void TestStructured::slimmingRanksByBatchNormGamma()
{
    const std::vector<std::int64_t> input{3, 32, 32};
    auto model = zooModel("vgg11", input);
    {
        torch::NoGradGuard noGrad;
        auto gamma = namedTensor(model.module, "bn1.weight");
        gamma.fill_(1.0);
        gamma.slice(0, 0, 40).fill_(1e-3); // 40 of conv1's 64 channels barely pass their input on
    }
    // Global ranking: conv1's 40 tiny γ are the lowest of all 2752 channels and go first.
    auto p = prune(model, ChannelCriterion::BatchNormGamma, {0.02, true, 1});
    for (std::int64_t c = 0; c < 64; ++c)
        QCOMPARE(channelKept(p, "conv1", c), c >= 40);

    // Without BatchNorm nothing can be ranked: every score is NaN and every channel stays.
    auto lenet = zooModel("lenet300", {1, 28, 28});
    auto graph = analyseChannels(lenet.module);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    const auto scores = channelScores(lenet, graph, ChannelCriterion::BatchNormGamma, TensorDataset{}, generator);
    const auto keep = selectChannels(graph, scores, {0.5, true, 1});
    QCOMPARE(std::count(keep.begin(), keep.end(), false), 0);
}

void TestStructured::costFollowsTheGraph()
{
    auto model = zooModel("lenet5", {1, 28, 28});
    const auto cost = measureCost(model.module, {1, 28, 28});
    // conv1 20·24·24·25, conv2 50·8·8·500, fc3 500·800, fc4 10·500
    QCOMPARE(cost.multiplyAccumulates, std::int64_t(20 * 24 * 24 * 25 + 50 * 8 * 8 * 500 + 500 * 800 + 10 * 500));
    QCOMPARE(cost.parameters, std::int64_t(20 * 25 + 20 + 50 * 500 + 50 + 800 * 500 + 500 + 5000 + 10));
}

ESPALIER_TEST_MAIN(TestStructured)

} // namespace tst_structured

#include "tst_structured.moc"
