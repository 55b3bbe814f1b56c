// Structured pruning inside a session (recipe.channels): the channel cut at round 1 removes whole
// rows and columns, holds the removed biases and BatchNorm entries at zero through training, lets an
// unstructured method prune what remains, survives rollback and resume, and saves a smaller model
// that computes what the session's masked model computes.

#include <QtTest>

#include <thread>

#include "sessiontesting.h"
#include "testregistry.h"

namespace tst_channelsession {

using namespace espalier::core;
using espalier::core::testing::inputErrorOf;
using espalier::core::testing::pauseAfterNextRound;
using espalier::core::testing::waitFor;

namespace {

Recipe lenet5Cut(const std::string& method = "none")
{
    Recipe r = espalier::core::testing::syntheticRecipe();
    r.model.name = "lenet5";
    r.channels.method = "l1-filter";
    r.channels.fraction = 0.5;
    r.method = method;
    return r;
}

/// Runs `recipe` to its end and returns the last snapshot (for tests that need no file afterwards).
Snapshot runToEnd(const Recipe& recipe)
{
    Session session(recipe);
    session.run();
    return session.snapshot();
}

const LayerStats& layer(const Snapshot& s, const std::string& name)
{
    for (const auto& l : s.layers)
        if (l.name == name)
            return l;
    throw std::runtime_error("no layer " + name);
}

torch::Tensor parameter(const torch::jit::Module& module, const std::string& name)
{
    for (const auto& p : module.named_parameters())
        if (p.name == name)
            return p.value.detach();
    throw std::runtime_error("no parameter " + name);
}

std::int64_t parameterCount(const torch::jit::Module& module)
{
    std::int64_t n = 0;
    for (const auto& p : module.parameters())
        n += p.numel();
    return n;
}

/// Largest output difference of the smaller model and the masked model the session saves.
double smallerVersusMasked(const Session& session, const QString& folder, const std::vector<std::int64_t>& input)
{
    session.saveModel((folder + "/masked.pt").toStdString());
    session.saveSmallerModel((folder + "/smaller.pt").toStdString());
    auto masked = torch::jit::load((folder + "/masked.pt").toStdString());
    auto smaller = torch::jit::load((folder + "/smaller.pt").toStdString());
    masked.eval();
    smaller.eval();
    torch::manual_seed(3);
    auto x = torch::randn(input);
    torch::NoGradGuard noGrad;
    return (masked.forward({x}).toTensor() - smaller.forward({x}).toTensor()).abs().max().item<double>();
}

} // namespace

class TestChannelSession : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cutRemovesHalfTheChannelsAndTheSmallerModelAgrees();
    void removedBiasesStayZeroThroughFineTuning();
    void unstructuredMethodPrunesWhatTheCutLeaves();
    void espnAfterTheCutCountsOnlyLiveWeights();
    void residualNetworkCutAgreesWithSmallerModel();
    void rollbackAcrossTheCutRestoresEveryChannel();
    void resumedSessionKeepsTheCut();
    void slimmingPenaltyShrinksGamma();
    void onlySlimmingChangesThePretraining();
    void channelRecipesRoundTripAndBadOnesAreRefused();
};

void TestChannelSession::cutRemovesHalfTheChannelsAndTheSmallerModelAgrees()
{
    QTemporaryDir dir;
    Session session(lenet5Cut());
    session.run();
    const auto s = session.snapshot();
    QCOMPARE(s.state, SessionState::Finished);
    QCOMPARE(layer(s, "conv1.weight").channels, std::int64_t(20));
    QCOMPARE(layer(s, "conv1.weight").keptChannels, std::int64_t(10));
    QCOMPARE(layer(s, "conv2.weight").keptChannels, std::int64_t(25));
    QCOMPARE(layer(s, "fc3.weight").keptChannels, std::int64_t(250));
    QCOMPARE(layer(s, "fc4.weight").keptChannels, std::int64_t(10)); // the network output stays
    // conv2 keeps 25 of 50 filters over 10 of 20 input channels: a quarter of its weights.
    QCOMPARE(layer(s, "conv2.weight").kept, std::int64_t(25 * 10 * 25));

    QVERIFY(smallerVersusMasked(session, dir.path(), {4, 1, 28, 28}) < 1e-5);
    auto smaller = torch::jit::load((dir.path() + "/smaller.pt").toStdString());
    QCOMPARE(parameter(smaller, "conv1.weight").sizes().vec(), (std::vector<std::int64_t>{10, 1, 5, 5}));
    QCOMPARE(parameter(smaller, "conv2.weight").sizes().vec(), (std::vector<std::int64_t>{25, 10, 5, 5}));
    QCOMPARE(parameter(smaller, "fc3.weight").sizes().vec(), (std::vector<std::int64_t>{250, 25 * 4 * 4}));
    // Every weight the masks keep, plus the kept channels' biases.
    QCOMPARE(parameterCount(smaller), s.keptWeights + 10 + 25 + 250 + 10);
}

void TestChannelSession::removedBiasesStayZeroThroughFineTuning()
{
    QTemporaryDir dir;
    Recipe r = lenet5Cut();
    r.train.epochs = 2;
    Session session(r);
    session.run();
    session.saveModel((dir.path() + "/masked.pt").toStdString());
    auto model = torch::jit::load((dir.path() + "/masked.pt").toStdString());
    for (const std::string name : {"conv1", "conv2", "fc3"}) {
        const auto weight = parameter(model, name + ".weight");
        const auto bias = parameter(model, name + ".bias");
        const auto removed = weight.flatten(1).abs().sum(1).eq(0);
        QVERIFY2(removed.sum().item<std::int64_t>() > 0, name.c_str());
        // Two epochs of SGD with momentum would have moved a free bias off zero.
        QCOMPARE(bias.masked_select(removed).abs().max().item<double>(), 0.0);
        QVERIFY(bias.masked_select(removed.logical_not()).abs().sum().item<double>() > 0);
    }
}

void TestChannelSession::unstructuredMethodPrunesWhatTheCutLeaves()
{
    Recipe r = lenet5Cut("magnitude");
    r.targetSparsity = 0.9;
    const auto s = runToEnd(r);
    QCOMPARE(s.state, SessionState::Finished);
    QVERIFY(std::abs(s.sparsity - 0.9) < 1e-3);
    // Removed channels stay removed: no more rows than the cut kept have a weight.
    QVERIFY(layer(s, "conv1.weight").keptChannels <= 10);
    QVERIFY(layer(s, "conv2.weight").keptChannels <= 25);
    QVERIFY(layer(s, "fc3.weight").keptChannels <= 250);
    bool cutEvent = false;
    for (const auto& e : s.events)
        cutEvent = cutEvent || e.find("l1-filter removed") != std::string::npos;
    QVERIFY(cutEvent);

    // GMP prunes gradually during the round's training: the cut comes first there too.
    Recipe gradual = lenet5Cut("gmp");
    gradual.targetSparsity = 0.9;
    gradual.methodParams = {{"frequency", 1}};
    const auto g = runToEnd(gradual);
    QCOMPARE(g.state, SessionState::Finished);
    QVERIFY(std::abs(g.sparsity - 0.9) < 1e-3);
    QVERIFY(layer(g, "conv1.weight").keptChannels <= 10);
    QVERIFY(layer(g, "fc3.weight").keptChannels <= 250);
}

void TestChannelSession::espnAfterTheCutCountsOnlyLiveWeights()
{
    Recipe r = lenet5Cut("espn-finetune");
    r.targetSparsity = 0.95;
    r.methodParams = {{"max_mask_epochs", 1}};
    const auto s = runToEnd(r);
    QCOMPARE(s.state, SessionState::Finished);
    // The cut removed 74.7 % of the weights; their mask entries start at 0, not 1, so ESPN's first
    // epoch already counts them as pruned instead of waiting for the L1 penalty to wear them down.
    const auto mask = std::find_if(s.epochs.begin(), s.epochs.end(), [](const EpochRecord& e) { return e.phase == "mask"; });
    QVERIFY(mask != s.epochs.end());
    QVERIFY2(mask->sparsity > 0.74, qPrintable(QString::number(mask->sparsity)));
    QVERIFY(std::abs(s.sparsity - 0.95) < 1e-3);
    QVERIFY(layer(s, "conv2.weight").keptChannels <= 25);
}

void TestChannelSession::residualNetworkCutAgreesWithSmallerModel()
{
    QTemporaryDir dir;
    Recipe r = lenet5Cut();
    r.model.name = "resnet20";
    r.data.name = "synthetic-cifar";
    r.data.trainLimit = 128;
    r.pretrain.epochs = 1;
    r.train.epochs = 1;
    Session session(r);
    session.run();
    QCOMPARE(session.snapshot().state, SessionState::Finished);
    // Shortcut-coupled channels are cut together or not at all, so the smaller model runs and agrees.
    QVERIFY(smallerVersusMasked(session, dir.path(), {4, 3, 32, 32}) < 1e-4);
    auto smaller = torch::jit::load((dir.path() + "/smaller.pt").toStdString());
    QVERIFY(parameterCount(smaller) < 269722 * 6 / 10);
}

void TestChannelSession::rollbackAcrossTheCutRestoresEveryChannel()
{
    Recipe r = lenet5Cut("magnitude");
    r.rounds = 2;
    r.roundEpochs = 1;
    Session session(r);
    session.pause();
    std::thread worker([&] { session.run(); });
    QVERIFY(pauseAfterNextRound(session, 1));
    QCOMPARE(layer(session.snapshot(), "conv1.weight").keptChannels, std::int64_t(10));
    session.rollback(0);
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused && s.branch == 1; }));
    QCOMPARE(layer(session.snapshot(), "conv1.weight").keptChannels, std::int64_t(20));
    QCOMPARE(layer(session.snapshot(), "conv1.weight").kept, std::int64_t(500));
    session.resume();
    worker.join();
    const auto s = session.snapshot();
    QCOMPARE(s.state, SessionState::Finished);
    // The replayed round 1 cut again, from the same pretrained weights: the same channel counts.
    QCOMPARE(layer(s, "conv1.weight").keptChannels <= 10, true);
    QTemporaryDir dir;
    QVERIFY(smallerVersusMasked(session, dir.path(), {4, 1, 28, 28}) < 1e-5);
}

void TestChannelSession::resumedSessionKeepsTheCut()
{
    QTemporaryDir dir;
    const auto path = (dir.path() + "/session.h5").toStdString();
    Recipe r = lenet5Cut("magnitude");
    r.rounds = 2;
    r.roundEpochs = 1;
    Session first(r);
    first.pause();
    bool cancelled = false;
    std::thread worker([&] {
        try {
            first.run();
        } catch (const Cancelled&) {
            cancelled = true;
        }
    });
    QVERIFY(pauseAfterNextRound(first, 1));
    first.stop();
    worker.join();
    QVERIFY(cancelled);
    first.saveSession(path);

    auto resumed = Session::resume(path);
    QCOMPARE(layer(resumed->snapshot(), "conv1.weight").keptChannels, std::int64_t(10));
    resumed->run();
    QCOMPARE(resumed->snapshot().state, SessionState::Finished);
    // Round 2 trained after the resume: the held biases were held again.
    QVERIFY(smallerVersusMasked(*resumed, dir.path(), {4, 1, 28, 28}) < 1e-5);
    auto model = torch::jit::load((dir.path() + "/masked.pt").toStdString());
    const auto removed = parameter(model, "conv1.weight").flatten(1).abs().sum(1).eq(0);
    QVERIFY(removed.sum().item<std::int64_t>() >= 10);
    QCOMPARE(parameter(model, "conv1.bias").masked_select(removed).abs().max().item<double>(), 0.0);
}

void TestChannelSession::slimmingPenaltyShrinksGamma()
{
    QTemporaryDir dir;
    auto gammaL1 = [&](double penalty) {
        Recipe r = lenet5Cut();
        r.model.name = "lenet5-bn";
        r.channels.method = "slimming";
        r.channels.penalty = penalty;
        r.pretrain.epochs = 2;
        Session session(r);
        session.pretrain();
        const auto path = (dir.path() + "/pretrained.pt").toStdString();
        session.saveModel(path);
        auto model = torch::jit::load(path);
        double sum = 0;
        for (const std::string bn : {"bn1", "bn2", "bn3"})
            sum += parameter(model, bn + ".weight").abs().sum().item<double>();
        return sum;
    };
    const double plain = gammaL1(0.0);
    const double penalised = gammaL1(0.5); // 8 steps of lr 0.05: each γ moves by up to 0.2 plus momentum
    QVERIFY2(penalised < 0.85 * plain, qPrintable(QString("%1 vs %2").arg(penalised).arg(plain)));

    Recipe r = lenet5Cut();
    r.model.name = "lenet5-bn";
    r.channels.method = "slimming";
    Session session(r);
    session.run();
    QVERIFY(smallerVersusMasked(session, dir.path(), {4, 1, 28, 28}) < 1e-5);
}

void TestChannelSession::onlySlimmingChangesThePretraining()
{
    // A sweep shares one dense pretraining between recipes whose pretraining recipes are equal.
    Recipe half = lenet5Cut();
    half.model.name = "lenet5-bn";
    Recipe quarter = half;
    quarter.channels.fraction = 0.75;
    QVERIFY(firstRecipeDifference(pretrainingRecipe(half), pretrainingRecipe(quarter)).empty());
    Recipe slim = half;
    slim.channels.method = "slimming";
    Recipe slimQuarter = slim;
    slimQuarter.channels.fraction = 0.75;
    QVERIFY(firstRecipeDifference(pretrainingRecipe(slim), pretrainingRecipe(slimQuarter)).empty());
    QCOMPARE(firstRecipeDifference(pretrainingRecipe(half), pretrainingRecipe(slim)), std::string("channels"));
    Recipe stronger = slim;
    stronger.channels.penalty = 1e-3;
    QCOMPARE(firstRecipeDifference(pretrainingRecipe(slim), pretrainingRecipe(stronger)),
             std::string("channels.penalty"));
}

void TestChannelSession::channelRecipesRoundTripAndBadOnesAreRefused()
{
    Recipe written = lenet5Cut();
    written.channels.roundTo = 8;
    written.channels.allocation = "global";
    const auto read = parseRecipe(recipeToJson(written), "written");
    QCOMPARE(read.channels.method, std::string("l1-filter"));
    QCOMPARE(read.channels.roundTo, 8);
    QCOMPARE(read.channels.allocation, std::string("global"));
    QVERIFY(firstRecipeDifference(read, written).empty());

    Recipe slimmingWithoutNorm = lenet5Cut();
    slimmingWithoutNorm.channels.method = "slimming";
    const auto noNorm = inputErrorOf([&] { Session s(slimmingWithoutNorm); });
    QVERIFY2(noNorm.contains("BatchNorm") && noNorm.contains("lenet5-bn"), qPrintable(noNorm));

    const auto asMethod = inputErrorOf([] { parseRecipe(R"({"method": "l1-filter"})", "r.json"); });
    QVERIFY2(asMethod.contains("channels.method"), qPrintable(asMethod));
    const auto noneAlone = inputErrorOf([] { parseRecipe(R"({"method": "none"})", "r.json"); });
    QVERIFY2(noneAlone.contains("channels.method"), qPrintable(noneAlone));
    const auto badFraction = inputErrorOf(
        [] { parseRecipe(R"({"method": "none", "channels": {"method": "l1-filter", "fraction": 1}})", "r.json"); });
    QVERIFY2(badFraction.contains("channels.fraction"), qPrintable(badFraction));
    const auto unknownKey = inputErrorOf(
        [] { parseRecipe(R"({"method": "none", "channels": {"method": "l1-filter", "fractoin": 0.3}})", "r.json"); });
    QVERIFY2(unknownKey.contains("fractoin"), qPrintable(unknownKey));

    Session plain(espalier::core::testing::syntheticRecipe());
    QVERIFY(inputErrorOf([&] { plain.saveSmallerModel("/tmp/never.pt"); }).contains("no channel has been removed"));
}

ESPALIER_TEST_MAIN(TestChannelSession)

} // namespace tst_channelsession

#include "tst_channelsession.moc"
