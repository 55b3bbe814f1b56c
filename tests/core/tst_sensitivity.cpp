// The per-layer sensitivity scan: each cell equals pruning that one layer by hand, the model is left
// untouched, results are cached per model state (and only per that state), cancel stops it, and the
// suggested floors follow the table.

#include <QtTest>

#include <thread>

#include <ATen/CPUGeneratorImpl.h>

#include "dataset.h"
#include "espalier/core/errors.h"
#include "maskselection.h"
#include "model.h"
#include "prunable.h"
#include "sensitivityscan.h"
#include "sessiontesting.h"
#include "testregistry.h"
#include "trainer.h"

namespace tst_sensitivity {

using namespace espalier::core;
using espalier::core::testing::moduleState;
using espalier::core::testing::sameTensors;

namespace {

struct Fixture {
    DataBundle data;
    Model model;
    MaskSet masks;
};

Fixture lenet(std::uint64_t seed)
{
    Fixture f;
    torch::manual_seed(seed);
    f.data = loadData({"synthetic", "", 512, 0.0}, 0);
    f.model = makeModel(ModelSpec{}, f.data.sampleShape, f.data.numClasses);
    f.masks = MaskSet(findPrunableTensors(f.model.module, {}));
    return f;
}

SensitivitySettings settings(std::vector<double> sparsities)
{
    SensitivitySettings s;
    s.sparsities = std::move(sparsities);
    s.testSamples = 256;
    return s;
}

} // namespace

class TestSensitivity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cellEqualsPruningOneLayerByHand();
    void cacheFollowsTheModelState();
    void cancelStopsAndCachesNothing();
    void floorsFollowTheTable();
    void sessionScansWhilePausedAndEndsUnchanged();
};

void TestSensitivity::cellEqualsPruningOneLayerByHand()
{
    auto f = lenet(11);
    const auto before = moduleState(f.model.module);
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    const auto table = scanSensitivity(f.model, f.masks, f.data.train, f.data.test, settings({0.95, 0.5}), generator);
    QCOMPARE(table.layers, (std::vector<std::string>{"fc1.weight", "fc2.weight", "fc3.weight"}));
    QCOMPARE(table.sparsities, (std::vector<double>{0.5, 0.95})); // sorted
    QVERIFY(!table.fromCache);
    QVERIFY(sameTensors(before, moduleState(f.model.module)));

    // fc2 alone at 95 % by magnitude, by hand on a copy.
    Model copy = f.model;
    copy.module = f.model.module.deepcopy();
    auto tensors = findPrunableTensors(copy.module, {});
    SelectionConstraints one;
    one.locked = {false};
    one.floors = {0.0};
    const auto mask = selectMasks({tensors[1].weight.detach().abs()}, {torch::ones_like(tensors[1].weight, torch::kBool)},
                                  0.05, false, one, {"fc2.weight"})[0];
    {
        torch::NoGradGuard noGrad;
        tensors[1].weight.mul_(mask);
    }
    const TensorDataset test{f.data.test.images.slice(0, 0, 256), f.data.test.labels.slice(0, 0, 256)};
    QCOMPARE(table.accuracy[1][1], evaluate(copy, test).accuracy);
    QCOMPARE(table.baseAccuracy, evaluate(f.model, test).accuracy);
}

void TestSensitivity::cacheFollowsTheModelState()
{
    auto f = lenet(12);
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    int computed = 0;
    const auto count = [&computed](int, int) { ++computed; };
    const auto first = scanSensitivity(f.model, f.masks, f.data.train, f.data.test, settings({0.9}), generator, count);
    QCOMPARE(computed, 3);
    const auto again = scanSensitivity(f.model, f.masks, f.data.train, f.data.test, settings({0.9}), generator, count);
    QVERIFY(again.fromCache);
    QCOMPARE(computed, 3); // nothing evaluated
    QCOMPARE(again.accuracy, first.accuracy);

    // Other settings, or one weight changed: scanned afresh.
    const auto other = scanSensitivity(f.model, f.masks, f.data.train, f.data.test, settings({0.8}), generator, count);
    QVERIFY(!other.fromCache);
    {
        torch::NoGradGuard noGrad;
        findPrunableTensors(f.model.module, {})[2].weight[0][0].add_(1.0);
    }
    const auto changed = scanSensitivity(f.model, f.masks, f.data.train, f.data.test, settings({0.9}), generator, count);
    QVERIFY(!changed.fromCache);
    QCOMPARE(computed, 3 + 3 + 3);
}

void TestSensitivity::cancelStopsAndCachesNothing()
{
    auto f = lenet(13);
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    std::atomic<bool> cancel{false};
    int done = 0;
    bool cancelled = false;
    try {
        scanSensitivity(f.model, f.masks, f.data.train, f.data.test, settings({0.5, 0.9}), generator,
                        [&](int d, int) {
                            done = d;
                            if (d == 2)
                                cancel = true;
                        },
                        &cancel);
    } catch (const Cancelled&) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QCOMPARE(done, 2);
    const auto after = scanSensitivity(f.model, f.masks, f.data.train, f.data.test, settings({0.5, 0.9}), generator);
    QVERIFY(!after.fromCache);
}

void TestSensitivity::floorsFollowTheTable()
{
    SensitivityTable t;
    t.layers = {"robust", "mid", "fragile"};
    t.sparsities = {0.5, 0.9, 0.99};
    t.baseAccuracy = 0.90;
    t.accuracy = {{0.90, 0.895, 0.893}, {0.90, 0.895, 0.70}, {0.85, 0.80, 0.50}};
    const auto floors = floorsFromSensitivity(t, 0.01);
    QCOMPARE(floors.count("robust"), std::size_t(0)); // within a point everywhere: no floor
    QCOMPARE(floors.at("mid"), 1.0 - 0.9);
    QCOMPARE(floors.at("fragile"), 1.0); // drops too much already at 50 %
    QCOMPARE(floorsFromSensitivity(t, 0.5).size(), std::size_t(0));
}

void TestSensitivity::sessionScansWhilePausedAndEndsUnchanged()
{
    using espalier::core::testing::pauseAfterNextRound;
    using espalier::core::testing::savedParameters;
    using espalier::core::testing::syntheticRecipe;
    using espalier::core::testing::waitFor;
    QTemporaryDir dir;
    Recipe r = syntheticRecipe();
    r.rounds = 2;
    r.roundEpochs = 1;
    Session straight(r);
    straight.run();

    Session session(r);
    session.pause();
    std::thread worker([&] { session.run(); });
    QVERIFY(pauseAfterNextRound(session, 1));
    SensitivitySettings scan;
    scan.sparsities = {0.5, 0.9};
    session.requestSensitivityScan(scan);
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.sensitivity.table.has_value() && !s.sensitivity.running; }));
    const auto s = session.snapshot().sensitivity;
    QCOMPARE(s.round, 1);
    QCOMPARE(s.done, 6);
    QCOMPARE(s.table->layers.size(), std::size_t(3));
    QVERIFY(!s.table->fromCache);
    QCOMPARE(s.table->baseAccuracy, session.snapshot().rounds.back().testAccuracy);
    session.requestSensitivityScan(scan); // same state: from the cache
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.sensitivity.table->fromCache; }));
    session.resume();
    worker.join();
    QVERIFY(sameTensors(savedParameters(session, dir.filePath("a.pt")), savedParameters(straight, dir.filePath("b.pt"))));
}

ESPALIER_TEST_MAIN(TestSensitivity)

} // namespace tst_sensitivity

#include "tst_sensitivity.moc"
