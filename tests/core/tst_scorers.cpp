// GraSP, SynFlow and first-order Taylor scorers: the live model is never modified, masked weights
// score zero under SynFlow, iterative SynFlow avoids the layer collapse of one-shot magnitude at
// init, GraSP draws the official per-class data, and every score is finite and weight-shaped.
// (Agreement with PyTorch's own numbers is checked by tests/interop/check_method_scores.py.)

#include <map>

#include <QtTest>

#include "dataset.h"
#include "espalier/core/errors.h"
#include "espalier/core/session.h"
#include "graspscorer.h"
#include "maskset.h"
#include "model.h"
#include "prunable.h"
#include "scoring.h"
#include "testregistry.h"

namespace tst_scorers {

using namespace espalier::core;

namespace {

struct Fixture {
    Model model;
    MaskSet masks;
    TensorDataset train;
};

// A zoo model with half of its weights masked (and zeroed, as the session keeps them) and a small
// random labelled set covering every class.
Fixture makeFixture(const std::string& name, const std::vector<std::int64_t>& shape)
{
    torch::manual_seed(3);
    Fixture f{makeModel({.name = name, .widthMultiplier = 1.0}, shape, 10), {}, {}};
    f.masks = MaskSet(findPrunableTensors(f.model.module, {}));
    std::vector<torch::Tensor> masks;
    for (const auto& t : f.masks.tensors())
        masks.push_back(torch::rand(t.weight.sizes()).lt(0.5));
    f.masks.setMasks(masks);
    f.masks.applyToWeights();
    std::vector<std::int64_t> imageShape{64};
    imageShape.insert(imageShape.end(), shape.begin(), shape.end());
    f.train = {torch::randn(imageShape), torch::arange(64, torch::kLong).remainder(10)};
    return f;
}

// Every parameter and buffer (BN running statistics included), deep-copied.
std::map<std::string, torch::Tensor> state(const torch::jit::Module& module)
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& p : module.named_parameters(/*recurse=*/true))
        out["param " + p.name] = p.value.detach().clone();
    for (const auto& b : module.named_buffers(/*recurse=*/true))
        out["buffer " + b.name] = b.value.detach().clone();
    return out;
}

// Gives BN non-trivial (negative) running means so that a stray abs() in the live model would show.
void scrambleBuffers(torch::jit::Module& module)
{
    torch::NoGradGuard noGrad;
    for (const auto& b : module.named_buffers(/*recurse=*/true))
        if (b.value.is_floating_point() && b.name.find("running_mean") != std::string::npos)
            b.value.copy_(torch::randn(b.value.sizes()));
}

std::vector<torch::Tensor> score(const std::string& method, Fixture& f, const std::map<std::string, double>& params = {})
{
    ScoringSettings settings;
    settings.samples = 40;
    auto generator = at::make_generator<at::CPUGeneratorImpl>(7);
    ScoringContext context{f.model, f.masks, f.train, settings, generator, params};
    return computeScores(method, context);
}

Recipe collapseRecipe(const std::string& method, int rounds)
{
    Recipe r;
    r.model.name = "lenet300";
    r.data.name = "synthetic";
    r.data.root = "";
    r.data.trainLimit = 256;
    r.method = method;
    r.targetSparsity = 0.99;
    r.rounds = rounds;
    r.schedule = "exponential";
    r.collapsePolicy = "proceed";
    r.pretrain.epochs = 0;
    r.train.epochs = 0;
    r.roundEpochs = 0;
    r.threads = 1;
    return r;
}

} // namespace

class TestScorers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void liveModelIsUntouched_data();
    void liveModelIsUntouched();
    void scoresAreFiniteAndWeightShaped_data();
    void scoresAreFiniteAndWeightShaped();
    void synflowScoresZeroExactlyOnMaskedWeights();
    void iterativeSynflowAvoidsLayerCollapse();
    void graspDataTakesFirstSamplesPerClass();
    void graspReinitIsSeededAndOptional();
    void graspRejectsBadParams();
};

void TestScorers::liveModelIsUntouched_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<bool>("training");
    for (const char* method : {"synflow", "grasp", "taylor"}) {
        QTest::addRow("%s, train mode", method) << QString::fromLatin1(method) << true;
        QTest::addRow("%s, eval mode", method) << QString::fromLatin1(method) << false;
    }
}

void TestScorers::liveModelIsUntouched()
{
    QFETCH(QString, method);
    QFETCH(bool, training);
    auto f = makeFixture("resnet20", {3, 32, 32});
    scrambleBuffers(f.model.module);
    f.model.module.train(training);
    const auto before = state(f.model.module);
    score(method.toStdString(), f, {{"samples_per_class", 3}, {"reinit_linear", 1}});
    const auto after = state(f.model.module);
    QCOMPARE(after.size(), before.size());
    for (const auto& [name, tensor] : before) {
        QVERIFY2(after.count(name) == 1, name.c_str());
        const auto& now = after.at(name);
        QVERIFY2(now.scalar_type() == tensor.scalar_type(), name.c_str());
        QVERIFY2(torch::equal(now, tensor), (name + " changed").c_str());
    }
    QCOMPARE(f.model.module.is_training(), training);
    for (const auto& p : f.model.module.parameters())
        QVERIFY(!p.grad().defined() || p.grad().abs().sum().item<double>() == 0.0);
}

void TestScorers::scoresAreFiniteAndWeightShaped_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("model");
    for (const char* method : {"grasp", "taylor", "synflow"})
        for (const char* model : {"lenet300", "lenet5", "resnet20"})
            QTest::addRow("%s on %s", method, model) << QString::fromLatin1(method) << QString::fromLatin1(model);
}

void TestScorers::scoresAreFiniteAndWeightShaped()
{
    QFETCH(QString, method);
    QFETCH(QString, model);
    const bool cifar = model == QLatin1String("resnet20");
    auto f = makeFixture(model.toStdString(), cifar ? std::vector<std::int64_t>{3, 32, 32} : std::vector<std::int64_t>{1, 28, 28});
    const auto scores = score(method.toStdString(), f, {{"samples_per_class", 4}});
    QCOMPARE(scores.size(), f.masks.size());
    double total = 0.0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const auto& name = f.masks.tensors()[i].name;
        QVERIFY2(scores[i].sizes() == f.masks.tensors()[i].weight.sizes(), name.c_str());
        QVERIFY2(scores[i].scalar_type() == torch::kFloat32, name.c_str());
        QVERIFY2(scores[i].isfinite().all().item<bool>(), (name + " has a non-finite score").c_str());
        QVERIFY2(!scores[i].requires_grad(), name.c_str());
        // Masked weights are zero, so every gradient-times-weight score of theirs is zero.
        QVERIFY2(scores[i].masked_select(f.masks.mask(i).logical_not()).abs().max().item<double>() == 0.0,
                 (name + " scores a masked weight").c_str());
        total += scores[i].abs().sum().item<double>();
    }
    QVERIFY(total > 0.0);
}

void TestScorers::synflowScoresZeroExactlyOnMaskedWeights()
{
    auto f = makeFixture("lenet300", {1, 28, 28});
    {
        // Mask drift in the live model (non-zero masked weights) must not revive them.
        torch::NoGradGuard noGrad;
        f.masks.tensors()[1].weight.masked_fill_(f.masks.mask(1).logical_not(), 0.5);
    }
    const auto scores = score("synflow", f);
    for (std::size_t i = 0; i < scores.size(); ++i) {
        // With |θ| everywhere and an all-ones input every kept weight lies on a positive path.
        const auto positive = scores[i].gt(0);
        QVERIFY2(torch::equal(positive, f.masks.mask(i)), f.masks.tensors()[i].name.c_str());
    }
}

void TestScorers::iterativeSynflowAvoidsLayerCollapse()
{
    Session magnitude(collapseRecipe("magnitude", 1));
    magnitude.run();
    const auto m = magnitude.snapshot();
    QCOMPARE(m.layers.size(), std::size_t(3));
    QCOMPARE(m.layers[0].name, std::string("fc1.weight"));
    QCOMPARE(m.layers[0].kept, std::int64_t(0)); // |W| ~ 1/sqrt(fan_in): the widest layer goes first
    QVERIFY(m.sparsity > 0.9899 && m.sparsity < 0.9901);

    Session synflow(collapseRecipe("synflow", 20));
    synflow.run();
    const auto s = synflow.snapshot();
    QCOMPARE(s.rounds.size(), std::size_t(20));
    QVERIFY(s.sparsity > 0.9899 && s.sparsity < 0.9901);
    for (const auto& layer : s.layers) {
        qInfo("synflow 20 rounds at 99 %%: %s keeps %lld of %lld", layer.name.c_str(), (long long)layer.kept,
              (long long)layer.numel);
        QVERIFY2(layer.kept > 0, layer.name.c_str());
    }
    for (const auto& r : s.rounds)
        QCOMPARE(r.collapsedLayers, 0);
}

void TestScorers::graspDataTakesFirstSamplesPerClass()
{
    const auto labels = torch::tensor(std::vector<std::int64_t>{1, 0, 1, 2, 0, 0, 1, 2, 2, 2}, torch::kLong);
    const auto images = torch::arange(10, torch::kFloat32).view({10, 1, 1, 1});
    const auto data = graspData({images, labels}, 3, 2);
    const auto order = data.images.flatten().to(torch::kLong);
    QVERIFY(torch::equal(order, torch::tensor(std::vector<std::int64_t>{1, 4, 0, 2, 3, 7}, torch::kLong)));
    QVERIFY(torch::equal(data.labels, torch::tensor(std::vector<std::int64_t>{0, 0, 1, 1, 2, 2}, torch::kLong)));
    // A class short of samples contributes what it has; an absent class nothing.
    QCOMPARE(graspData({images, labels}, 4, 4).size(), std::int64_t(10));
}

void TestScorers::graspReinitIsSeededAndOptional()
{
    auto f = makeFixture("lenet300", {1, 28, 28});
    const auto plain = score("grasp", f, {{"samples_per_class", 4}});
    const auto reinitA = score("grasp", f, {{"samples_per_class", 4}, {"reinit_linear", 1}});
    const auto reinitB = score("grasp", f, {{"samples_per_class", 4}, {"reinit_linear", 1}});
    QCOMPARE(plain.size(), reinitA.size());
    bool differs = false;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        QVERIFY(torch::equal(reinitA[i], reinitB[i]));
        differs = differs || !torch::equal(plain[i], reinitA[i]);
    }
    QVERIFY(differs);
    // The default (no reinit) scores the live weights themselves: deterministic too.
    const auto again = score("grasp", f, {{"samples_per_class", 4}});
    for (std::size_t i = 0; i < plain.size(); ++i)
        QVERIFY(torch::equal(plain[i], again[i]));
}

void TestScorers::graspRejectsBadParams()
{
    QVERIFY_THROWS_EXCEPTION(InputError, graspOptions({{"temperature", 0}}));
    QVERIFY_THROWS_EXCEPTION(InputError, graspOptions({{"samples_per_class", 2.5}}));
    QVERIFY_THROWS_EXCEPTION(InputError, graspOptions({{"samples_per_class", 0}}));
    QVERIFY_THROWS_EXCEPTION(InputError, graspOptions({{"reinit_linear", 2}}));
    const auto o = graspOptions({});
    QCOMPARE(o.temperature, 200.0);
    QCOMPARE(o.samplesPerClass, 10);
    QVERIFY(!o.reinitLinear);
    QVERIFY_THROWS_EXCEPTION(InputError, checkMethodParams("grasp", {{"temperature", 0}}));
    // A key the method does not take is an error, not silently ignored.
    QVERIFY_THROWS_EXCEPTION(InputError, checkMethodParams("synflow", {{"temperature", 0}}));
    QVERIFY_THROWS_EXCEPTION(InputError, checkMethodParams("grasp", {{"temprature", 100}}));
    checkMethodParams("grasp", {{"temperature", 100}, {"samples_per_class", 5}});
    checkMethodParams("snip", {});
    auto f = makeFixture("lenet300", {1, 28, 28});
    QVERIFY_THROWS_EXCEPTION(InputError, score("grasp", f, {{"temperature", -1}}));
    QVERIFY_THROWS_EXCEPTION(InputError, score("unknown-method", f));
}

ESPALIER_TEST_MAIN(TestScorers)

} // namespace tst_scorers

#include "tst_scorers.moc"
