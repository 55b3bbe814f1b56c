// Input→output path analysis: effective kept weights, disconnected networks, and residual paths.

#include <QtTest>

#include "connectivity.h"
#include "model.h"
#include "prunable.h"
#include "testregistry.h"

namespace tst_connectivity {

using namespace espalier::core;

namespace {

struct Net {
    Model model;
    std::vector<std::string> names;
    std::vector<torch::Tensor> masks;
};

Net makeNet(const std::string& zoo, const std::vector<int64_t>& input)
{
    torch::manual_seed(0);
    Net net{makeModel({.name = zoo, .widthMultiplier = 1.0}, input, 10), {}, {}};
    for (const auto& t : findPrunableTensors(net.model.module, {})) {
        net.names.push_back(t.name);
        net.masks.push_back(torch::ones(t.weight.sizes(), torch::kBool));
    }
    return net;
}

} // namespace

class TestConnectivity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void denseNetworkIsFullyEffective();
    void deadEndsAreNotEffective();
    void emptyLayerDisconnects();
    void residualShortcutKeepsPathsAlive();
};

void TestConnectivity::denseNetworkIsFullyEffective()
{
    auto net = makeNet("lenet300", {1, 28, 28});
    auto c = analyseConnectivity(net.model, net.names, net.masks);
    QVERIFY(c.outputReachable);
    QCOMPARE(c.effectiveTotal, int64_t(266200));
}

void TestConnectivity::deadEndsAreNotEffective()
{
    auto net = makeNet("lenet300", {1, 28, 28});
    net.masks[1].slice(0, 60, 100).fill_(false); // fc2 keeps output neurons 0..59
    net.masks[2].slice(1, 0, 50).fill_(false);  // fc3 reads only from neurons 50..99
    auto c = analyseConnectivity(net.model, net.names, net.masks);
    QVERIFY(c.outputReachable);
    QCOMPARE(c.effectiveKept[0], int64_t(235200)); // every fc1 unit still feeds neurons 50..59
    QCOMPARE(c.effectiveKept[1], int64_t(10 * 300)); // rows 0..49 lead nowhere
    QCOMPARE(c.effectiveKept[2], int64_t(10 * 10)); // columns 60..99 read dead neurons
}

void TestConnectivity::emptyLayerDisconnects()
{
    auto net = makeNet("lenet300", {1, 28, 28});
    net.masks[1].fill_(false);
    auto c = analyseConnectivity(net.model, net.names, net.masks);
    QVERIFY(!c.outputReachable);
    QCOMPARE(c.effectiveTotal, int64_t(0));
}

void TestConnectivity::residualShortcutKeepsPathsAlive()
{
    auto net = makeNet("resnet20", {3, 32, 32});
    // Empty the second conv of the first block: the identity shortcut still carries the signal.
    for (size_t i = 0; i < net.names.size(); ++i)
        if (net.names[i] == "layer1_0.conv2.weight")
            net.masks[i].fill_(false);
    auto c = analyseConnectivity(net.model, net.names, net.masks);
    QVERIFY(c.outputReachable);
    for (size_t i = 0; i < net.names.size(); ++i)
        if (net.names[i] == "layer1_0.conv1.weight")
            QCOMPARE(c.effectiveKept[i], int64_t(0)); // feeds only the emptied conv
}

ESPALIER_TEST_MAIN(TestConnectivity)

} // namespace tst_connectivity

#include "tst_connectivity.moc"
