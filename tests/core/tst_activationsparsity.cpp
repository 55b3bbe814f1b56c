// Dynamic activation sparsity: the rewritten forward keeps the k largest activations per sample and
// layer (checked against the same network computed by hand), leaves the data and the model alone,
// and counts the work a zero-skipping kernel would save.

#include <QtTest>

#include "activationsparsity.h"
#include "dataset.h"
#include "espalier/core/errors.h"
#include "model.h"
#include "moduleaccess.h"
#include "sessiontesting.h"
#include "testregistry.h"
#include "trainer.h"

namespace tst_activationsparsity {

using namespace espalier::core;
using espalier::core::testing::inputErrorOf;
using espalier::core::testing::moduleState;
using espalier::core::testing::sameTensors;

namespace {

torch::Tensor keepTop(const torch::Tensor& x, std::int64_t k)
{
    const auto idx = std::get<1>(x.abs().topk(k, 1));
    return torch::zeros_like(x).scatter_(1, idx, x.gather(1, idx));
}

} // namespace

class TestActivationSparsity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keepingEverythingIsPlainEvaluation();
    void matchesTheNetworkComputedByHand();
    void convolutionsToo();
    void badFractionIsRefused();
};

void TestActivationSparsity::keepingEverythingIsPlainEvaluation()
{
    torch::manual_seed(0);
    auto data = loadData({"synthetic", "", 256, 0.0}, 0);
    auto model = makeModel(ModelSpec{}, data.sampleShape, data.numClasses);
    const auto r = evaluateActivationSparsity(model, data.test, 1.0);
    const auto plain = evaluate(model, data.test);
    QCOMPARE(r.testAccuracy, plain.accuracy);
    QVERIFY(std::abs(r.testLoss - plain.loss) < 1e-5);
    QCOMPARE(r.layers.size(), std::size_t(3));
    QCOMPARE(r.layers[0].layer, std::string("fc1.weight"));
    QCOMPARE(r.layers[0].zeroFraction, 0.0); // the data is never cut
    QVERIFY(r.layers[1].zeroFraction > 0.2);  // ReLU zeros
    QCOMPARE(r.layers[1].macsPerSample, std::int64_t(300 * 100));
}

void TestActivationSparsity::matchesTheNetworkComputedByHand()
{
    torch::manual_seed(1);
    auto data = loadData({"synthetic", "", 256, 0.0}, 0);
    auto model = makeModel(ModelSpec{}, data.sampleShape, data.numClasses);
    const auto before = moduleState(model.module);
    const auto r = evaluateActivationSparsity(model, data.test, 0.1);
    QVERIFY(sameTensors(before, moduleState(model.module)));

    torch::NoGradGuard noGrad;
    auto x = data.test.images.flatten(1);
    auto h1 = torch::relu(torch::linear(x, namedTensor(model.module, "fc1.weight"), namedTensor(model.module, "fc1.bias")));
    auto h2 = torch::relu(torch::linear(keepTop(h1, 30), namedTensor(model.module, "fc2.weight"), namedTensor(model.module, "fc2.bias")));
    auto logits = torch::linear(keepTop(h2, 10), namedTensor(model.module, "fc3.weight"), namedTensor(model.module, "fc3.bias"));
    const double accuracy = logits.argmax(1).eq(data.test.labels).to(torch::kDouble).mean().item<double>();
    QCOMPARE(r.testAccuracy, accuracy);
    // fc2 sees at most 30 of 300 non-zero inputs per sample, fc3 at most 10 of 100.
    QVERIFY(r.layers[1].zeroFraction >= 0.9 - 1e-12);
    QVERIFY(r.layers[2].zeroFraction >= 0.9 - 1e-12);
    const double total = 784.0 * 300 + 300.0 * 100 + 100.0 * 10;
    const double expected =
        (r.layers[1].zeroFraction * 300.0 * 100 + r.layers[2].zeroFraction * 100.0 * 10) / total;
    QVERIFY(std::abs(r.skippedWork - expected) < 1e-12);
    // And the model still evaluates as before.
    QCOMPARE(evaluateActivationSparsity(model, data.test, 1.0).testAccuracy, evaluate(model, data.test).accuracy);
}

void TestActivationSparsity::convolutionsToo()
{
    torch::manual_seed(2);
    auto data = loadData({"synthetic", "", 64, 0.0}, 0);
    ModelSpec spec;
    spec.name = "lenet5";
    auto model = makeModel(spec, data.sampleShape, data.numClasses);
    TensorDataset few{data.test.images.slice(0, 0, 64), data.test.labels.slice(0, 0, 64)};
    const auto r = evaluateActivationSparsity(model, few, 0.25);
    QCOMPARE(r.layers.size(), std::size_t(4));
    QCOMPARE(r.layers[0].zeroFraction, 0.0);
    for (std::size_t l = 1; l < 4; ++l)
        QVERIFY2(r.layers[l].zeroFraction >= 0.75 - 1e-12, r.layers[l].layer.c_str());
    QVERIFY(r.skippedWork > 0.5); // conv2 and fc3 carry most of the work and lose 3/4 of their inputs
}

void TestActivationSparsity::badFractionIsRefused()
{
    torch::manual_seed(0);
    auto data = loadData({"synthetic", "", 64, 0.0}, 0);
    auto model = makeModel(ModelSpec{}, data.sampleShape, data.numClasses);
    QVERIFY(inputErrorOf([&] { evaluateActivationSparsity(model, data.test, 0.0); }).contains(QStringLiteral("(0, 1]")));
    QVERIFY(!inputErrorOf([&] { evaluateActivationSparsity(model, data.test, 1.5); }).isEmpty());
}

ESPALIER_TEST_MAIN(TestActivationSparsity)

} // namespace tst_activationsparsity

#include "tst_activationsparsity.moc"
