// Ephemeral what-if pruning: a preview reports the accuracy of a pruned copy and leaves the model,
// its masks and the random state exactly as they were, so the session ends as if never asked.

#include <QtTest>

#include <thread>

#include <ATen/CPUGeneratorImpl.h>

#include "dataset.h"
#include "maskselection.h"
#include "model.h"
#include "prunable.h"
#include "pruningpreview.h"
#include "scoring.h"
#include "sessiontesting.h"
#include "testregistry.h"
#include "trainer.h"

namespace tst_preview {

using namespace espalier::core;
using espalier::core::testing::inputErrorOf;
using espalier::core::testing::moduleState;
using espalier::core::testing::sameTensors;
using espalier::core::testing::savedParameters;
using espalier::core::testing::syntheticRecipe;
using espalier::core::testing::waitFor;

namespace {

Recipe twoRounds()
{
    Recipe r = syntheticRecipe();
    r.rounds = 2;
    r.roundEpochs = 1;
    return r;
}

} // namespace

class TestPreview : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void previewLeavesModelMasksAndGeneratorUnchanged();
    void previewEqualsPruningACopyByHand();
    void sessionPreviewsWhilePausedAndEndsUnchanged();
    void methodsThatTrainCannotPreview();
};

void TestPreview::previewLeavesModelMasksAndGeneratorUnchanged()
{
    torch::manual_seed(0);
    ModelSpec spec;
    spec.name = "resnet20"; // BatchNorm buffers too
    auto cifar = loadData({"synthetic-cifar", "", 256, 0.0}, 0);
    auto model = makeModel(spec, cifar.sampleShape, cifar.numClasses);
    MaskSet masks(findPrunableTensors(model.module, {}));
    std::vector<torch::Tensor> half;
    for (const auto& t : masks.tensors())
        half.push_back(torch::rand(t.weight.sizes()) < 0.5);
    masks.setMasks(half);
    masks.applyToWeights();

    const auto before = moduleState(model.module);
    const auto masksBefore = masks.masks();
    auto generator = at::make_generator<at::CPUGeneratorImpl>(5);
    const bool trainingBefore = model.module.is_training();
    for (const char* method : {"snip", "grasp", "synflow", "random", "taylor"}) {
        PreviewSettings settings;
        settings.method = method;
        settings.sparsity = 0.9;
        settings.constraints.locked.assign(masks.size(), false);
        settings.constraints.floors.assign(masks.size(), 0.0);
        settings.scoring.samples = 64;
        const auto outcome = previewPruning(model, masks, settings, cifar.train, cifar.test, generator);
        QVERIFY2(std::abs(outcome.sparsity - 0.9) < 1e-3, method);
    }
    QVERIFY(sameTensors(before, moduleState(model.module)));
    for (std::size_t i = 0; i < masks.size(); ++i)
        QVERIFY(torch::equal(masksBefore[i], masks.mask(i)));
    QCOMPARE(model.module.is_training(), trainingBefore);
    // The generator was cloned, not advanced: it draws what an untouched one draws.
    auto fresh = at::make_generator<at::CPUGeneratorImpl>(5);
    QVERIFY(torch::equal(torch::rand({8}, generator), torch::rand({8}, fresh)));
}

void TestPreview::previewEqualsPruningACopyByHand()
{
    torch::manual_seed(1);
    auto data = loadData({"synthetic", "", 512, 0.0}, 0);
    ModelSpec spec;
    auto model = makeModel(spec, data.sampleShape, data.numClasses);
    MaskSet masks(findPrunableTensors(model.module, {}));

    PreviewSettings settings;
    settings.method = "magnitude";
    settings.sparsity = 0.95;
    settings.constraints.locked.assign(masks.size(), false);
    settings.constraints.floors.assign(masks.size(), 0.0);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    const auto outcome = previewPruning(model, masks, settings, data.train, data.test, generator);

    // The same step taken for real on a separate copy: global magnitude top-k, then evaluate.
    Model copy = model;
    copy.module = model.module.deepcopy();
    MaskSet copyMasks(findPrunableTensors(copy.module, {}));
    std::vector<torch::Tensor> scores;
    std::vector<std::string> names;
    for (const auto& t : copyMasks.tensors()) {
        scores.push_back(t.weight.detach().abs());
        names.push_back(t.name);
    }
    copyMasks.setMasks(selectMasks(scores, copyMasks.masks(), 0.05, true, settings.constraints, names));
    copyMasks.applyToWeights();
    const auto quality = evaluate(copy, data.test);
    QCOMPARE(outcome.testAccuracy, quality.accuracy);
    QCOMPARE(outcome.testLoss, quality.loss);
    QCOMPARE(outcome.kept.size(), std::size_t(3));
    QCOMPARE(outcome.kept[0] + outcome.kept[1] + outcome.kept[2], copyMasks.totalKept());
    // And the original still has every weight.
    QCOMPARE(findPrunableTensors(model.module, {})[0].weight.ne(0).sum().item<std::int64_t>(), std::int64_t(300 * 784));
}

void TestPreview::sessionPreviewsWhilePausedAndEndsUnchanged()
{
    QTemporaryDir dir;
    Session straight(twoRounds());
    straight.run();

    Session session(twoRounds());
    session.pause();
    std::thread worker([&] { session.run(); });
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused; }));
    session.step();
    QVERIFY(waitFor(session, [](const Snapshot& s) {
        return s.state == SessionState::Paused && s.rounds.size() == 1;
    }));
    const auto layersBefore = session.snapshot().layers;
    session.requestPreview("snip", 0.97);
    session.requestPreview("magnitude", 0.5);
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.previewPoints.size() == 2; }));
    const auto s = session.snapshot();
    QCOMPARE(s.previewPoints[0].method, std::string("snip"));
    QCOMPARE(s.previewPoints[0].round, 1);
    QVERIFY(std::abs(s.previewPoints[0].sparsity - 0.97) < 1e-3);
    QVERIFY(s.previewPoints[0].testAccuracy >= 0.0 && s.previewPoints[0].testAccuracy <= 1.0);
    // Round 1 already pruned past 50 %: masks only shrink, so the preview stays at the session's sparsity.
    QVERIFY(std::abs(s.previewPoints[1].sparsity - s.sparsity) < 1e-9);
    QCOMPARE(s.previewPoints[1].testAccuracy, s.rounds.back().testAccuracy);
    for (std::size_t i = 0; i < layersBefore.size(); ++i)
        QCOMPARE(s.layers[i].kept, layersBefore[i].kept);
    session.resume();
    worker.join();
    QVERIFY(sameTensors(savedParameters(session, dir.filePath("a.pt")), savedParameters(straight, dir.filePath("b.pt"))));
    QCOMPARE(session.snapshot().rounds.back().testAccuracy, straight.snapshot().rounds.back().testAccuracy);
}

void TestPreview::methodsThatTrainCannotPreview()
{
    Session session(syntheticRecipe());
    const auto message = inputErrorOf([&] { session.requestPreview("espn-finetune", 0.9); });
    QVERIFY2(message.contains(QStringLiteral("espn-finetune")), qPrintable(message));
    QVERIFY(inputErrorOf([&] { session.requestPreview("snip", 1.0); }).contains(QStringLiteral("[0, 1)")));
}

ESPALIER_TEST_MAIN(TestPreview)

} // namespace tst_preview

#include "tst_preview.moc"
