// Mask integrity under real training: pruned weights stay exactly zero with SGD (momentum, Nesterov,
// weight decay) and Adam, newly pruned entries lose their momentum, and LR schedules; the fused
// masked SGD step against torch::optim::SGD with the masks applied around it.

#include <QtTest>

#include "dataset.h"
#include "maskedsgdstep.h"
#include "maskset.h"
#include "model.h"
#include "prunable.h"
#include "testregistry.h"
#include "trainer.h"

namespace tst_masktraining {

using namespace espalier::core;

namespace {

struct Fixture {
    DataBundle data;
    Model model;
    MaskSet masks;
};

Fixture makeFixture(double keepFraction)
{
    torch::manual_seed(0);
    DataSpec spec;
    spec.name = "synthetic";
    spec.trainLimit = 512;
    Fixture f{loadData(spec, 0), {}, {}};
    f.model = makeModel({.name = "lenet300", .widthMultiplier = 1.0}, f.data.sampleShape, f.data.numClasses);
    f.masks = MaskSet(findPrunableTensors(f.model.module, {}));
    std::vector<torch::Tensor> random;
    for (const auto& t : f.masks.tensors())
        random.push_back(torch::rand(t.weight.sizes()).lt(keepFraction));
    f.masks.setMasks(random);
    f.masks.applyToWeights();
    return f;
}

TrainSettings settings(const std::string& optimizer, bool nesterov)
{
    TrainSettings s;
    s.epochs = 2;
    s.batch = 64;
    s.optimizer = optimizer;
    s.lr = optimizer == "adam" ? 1e-3 : 0.05;
    s.momentum = 0.9;
    s.nesterov = nesterov;
    s.weightDecay = 5e-4;
    return s;
}

} // namespace

class TestMaskTraining : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void prunedWeightsStayZero_data();
    void prunedWeightsStayZero();
    void newlyPrunedWeightsLoseMomentum();
    void driftIsCounted();
    void learningRateSchedules();
    void fusedStepEqualsTorchSgd_data();
    void fusedStepEqualsTorchSgd();
};

void TestMaskTraining::prunedWeightsStayZero_data()
{
    QTest::addColumn<QString>("optimizer");
    QTest::addColumn<bool>("nesterov");
    QTest::addRow("sgd momentum + weight decay") << "sgd" << false;
    QTest::addRow("sgd nesterov + weight decay") << "sgd" << true;
    QTest::addRow("adam + weight decay") << "adam" << false;
}

void TestMaskTraining::prunedWeightsStayZero()
{
    QFETCH(QString, optimizer);
    QFETCH(bool, nesterov);
    auto f = makeFixture(0.5);
    const auto before = f.masks.tensors()[0].weight.detach().clone();
    Trainer trainer(f.model, f.masks, settings(optimizer.toStdString(), nesterov));
    trainer.onMasksChanged();
    auto gen = at::make_generator<at::CPUGeneratorImpl>(0);
    torch::Generator generator(gen);
    std::vector<double> losses;
    for (int e = 0; e < 4; ++e) {
        const auto stats = trainer.trainEpoch(e, f.data.train, generator, [&](const BatchProgress&) {
            for (size_t l = 0; l < f.masks.size(); ++l)
                QCOMPARE(f.masks.drift(l), int64_t(0));
        });
        QVERIFY(std::isfinite(stats.loss));
        losses.push_back(stats.loss);
    }
    QVERIFY2(losses.back() < 0.7 * losses.front(), ("losses " + std::to_string(losses.front()) + " -> " +
                                                    std::to_string(losses.back())).c_str());
    for (size_t l = 0; l < f.masks.size(); ++l) {
        const auto& w = f.masks.tensors()[l].weight;
        QVERIFY(w.masked_select(f.masks.mask(l).logical_not()).eq(0).all().item<bool>());
    }
    // Kept weights did train.
    QVERIFY(!torch::equal(before, f.masks.tensors()[0].weight.detach()));
    const double accuracy = evaluate(f.model, f.data.test).accuracy;
    QVERIFY2(accuracy > 0.5, std::to_string(accuracy).c_str());
}

void TestMaskTraining::newlyPrunedWeightsLoseMomentum()
{
    auto f = makeFixture(1.0);
    Trainer trainer(f.model, f.masks, settings("sgd", false));
    torch::Generator generator(at::make_generator<at::CPUGeneratorImpl>(0));
    trainer.trainEpoch(0, f.data.train, generator); // dense: momentum everywhere

    std::vector<torch::Tensor> half;
    for (const auto& t : f.masks.tensors())
        half.push_back(torch::rand(t.weight.sizes()).lt(0.5));
    f.masks.setMasks(half);
    trainer.onMasksChanged();
    // One more epoch: with stale momentum the newly pruned weights would move off zero.
    trainer.trainEpoch(1, f.data.train, generator);
    for (size_t l = 0; l < f.masks.size(); ++l)
        QCOMPARE(f.masks.drift(l), int64_t(0));
}

void TestMaskTraining::driftIsCounted()
{
    auto f = makeFixture(0.5);
    QCOMPARE(f.masks.drift(0), int64_t(0));
    {
        torch::NoGradGuard noGrad;
        auto w = f.masks.tensors()[0].weight;
        auto pruned = f.masks.mask(0).logical_not().nonzero();
        for (int i = 0; i < 3; ++i)
            w.index_put_({pruned[i][0], pruned[i][1]}, 1.0);
    }
    QCOMPARE(f.masks.drift(0), int64_t(3));
}

void TestMaskTraining::learningRateSchedules()
{
    auto f = makeFixture(1.0);
    TrainSettings s = settings("sgd", false);
    s.epochs = 10;
    s.lr = 0.1;
    s.lrSchedule.type = "step";
    s.lrSchedule.step = 3;
    s.lrSchedule.gamma = 0.5;
    QCOMPARE(Trainer(f.model, f.masks, s).learningRate(5), 0.05);
    s.lrSchedule.type = "multistep";
    s.lrSchedule.milestones = {2, 6};
    s.lrSchedule.gamma = 0.1;
    QVERIFY(qFuzzyCompare(Trainer(f.model, f.masks, s).learningRate(6), 0.001));
    s.lrSchedule.type = "cosine";
    Trainer cosine(f.model, f.masks, s);
    QCOMPARE(cosine.learningRate(0), 0.1);
    QVERIFY(qFuzzyCompare(cosine.learningRate(5), 0.05));
}

void TestMaskTraining::fusedStepEqualsTorchSgd_data()
{
    QTest::addColumn<double>("keepFraction");
    QTest::addColumn<bool>("nesterov");
    QTest::addColumn<double>("dampening");
    QTest::addRow("dense (no multiply)") << 1.0 << false << 0.0;
    QTest::addRow("98 %% pruned, momentum") << 0.02 << false << 0.0;
    QTest::addRow("half pruned, Nesterov") << 0.5 << true << 0.0;
    QTest::addRow("half pruned, dampening") << 0.5 << false << 0.3;
}

void TestMaskTraining::fusedStepEqualsTorchSgd()
{
    // The same model twice, the same gradients for 4 steps: LibTorch's SGD between
    // maskGradients/applyToWeights, and maskedSgdStep. Weights and momentum must agree up to float
    // rounding (a few ulps: the fused loop contracts multiply-adds where ATen's kernels may not).
    QFETCH(double, keepFraction);
    QFETCH(bool, nesterov);
    QFETCH(double, dampening);
    auto reference = makeFixture(keepFraction);
    auto fused = makeFixture(keepFraction);
    const auto options = torch::optim::SGDOptions(0.05).momentum(0.9).weight_decay(5e-4).nesterov(nesterov).dampening(
        nesterov ? 0.0 : dampening);
    torch::optim::SGD referenceSgd(reference.model.parameters(), options);
    torch::optim::SGD fusedSgd(fused.model.parameters(), options);
    const auto a = reference.model.parameters();
    const auto b = fused.model.parameters();
    torch::manual_seed(5);
    for (int step = 0; step < 4; ++step) {
        for (size_t i = 0; i < a.size(); ++i) {
            const auto grad = torch::randn(a[i].sizes());
            a[i].mutable_grad() = grad.clone();
            b[i].mutable_grad() = grad.clone();
        }
        reference.masks.maskGradients();
        referenceSgd.step();
        reference.masks.applyToWeights();
        maskedSgdStep(fusedSgd, fused.masks);
    }
    for (size_t i = 0; i < a.size(); ++i) {
        QVERIFY2(torch::allclose(a[i], b[i], 1e-5, 1e-7), qPrintable(QString("parameter %1").arg(i)));
        const auto key = [](const torch::Tensor& t) { return c10::guts::to_string(t.unsafeGetTensorImpl()); };
        const auto& bufferA = static_cast<torch::optim::SGDParamState&>(*referenceSgd.state().at(key(a[i])));
        const auto& bufferB = static_cast<torch::optim::SGDParamState&>(*fusedSgd.state().at(key(b[i])));
        QVERIFY2(torch::allclose(bufferA.momentum_buffer(), bufferB.momentum_buffer(), 1e-5, 1e-5),
                 qPrintable(QString("momentum of parameter %1: max difference %2")
                                .arg(i)
                                .arg((bufferA.momentum_buffer() - bufferB.momentum_buffer()).abs().max().item<double>())));
    }
    for (size_t l = 0; l < fused.masks.size(); ++l)
        QCOMPARE(fused.masks.drift(l), int64_t(0));
}

ESPALIER_TEST_MAIN(TestMaskTraining)

} // namespace tst_masktraining

#include "tst_masktraining.moc"
