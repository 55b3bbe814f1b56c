// Zoo architectures: parameter counts from reference/algorithms.md §2, output shapes, TorchScript
// round trips, and prunable-tensor discovery with exclusion patterns.

#include <QTemporaryDir>
#include <QtTest>

#include "espalier/core/errors.h"
#include "model.h"
#include "prunable.h"
#include "testregistry.h"

namespace tst_modelzoo {

using namespace espalier::core;

class TestModelZoo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void prunableCounts_data();
    void prunableCounts();
    void torchScriptRoundTripKeepsOutputs();
    void excludePatterns();
    void excludePatternMatchingNothingIsAnError();
    void mismatchedModelAndDataIsAnInputError();
    void missingModelFileIsAnInputError();
};

void TestModelZoo::prunableCounts_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("width");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("size");
    QTest::addColumn<qlonglong>("prunable");
    QTest::addColumn<int>("tensors");
    // Counts stated in reference/algorithms.md §2 (LeNets, VGG19, ESPN's ResNet32) or summed by hand
    // from the layer shapes (VGG11/16, ResNet20).
    QTest::addRow("lenet300") << "lenet300" << 1.0 << 1 << 28 << 266200LL << 3;
    QTest::addRow("lenet5") << "lenet5" << 1.0 << 1 << 28 << 430500LL << 4;
    QTest::addRow("vgg11") << "vgg11" << 1.0 << 3 << 32 << 9222848LL << 9;
    QTest::addRow("vgg16") << "vgg16" << 1.0 << 3 << 32 << 14715584LL << 14;
    QTest::addRow("vgg19") << "vgg19" << 1.0 << 3 << 32 << 20024000LL << 17;
    QTest::addRow("resnet20") << "resnet20" << 1.0 << 3 << 32 << 268336LL << 20;
    QTest::addRow("resnet32 (ESPN, 2x)") << "resnet32" << 2.0 << 3 << 32 << 1845344LL << 32;
}

void TestModelZoo::prunableCounts()
{
    QFETCH(QString, name);
    QFETCH(double, width);
    QFETCH(int, channels);
    QFETCH(int, size);
    QFETCH(qlonglong, prunable);
    QFETCH(int, tensors);
    torch::manual_seed(0);
    ModelSpec spec{.name = name.toStdString(), .widthMultiplier = width};
    auto model = makeModel(spec, {channels, size, size}, 10);
    auto found = findPrunableTensors(model.module, {});
    QCOMPARE(int(found.size()), tensors);
    qlonglong total = 0;
    for (const auto& t : found) {
        QVERIFY2(t.weight.dim() >= 2, t.name.c_str());
        QVERIFY2(t.weight.requires_grad(), t.name.c_str());
        total += t.weight.numel();
    }
    QCOMPARE(total, prunable);
    torch::NoGradGuard noGrad;
    model.module.eval();
    auto out = model.forward(torch::randn({3, channels, size, size}));
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{3, 10}));
}

void TestModelZoo::torchScriptRoundTripKeepsOutputs()
{
    torch::manual_seed(1);
    auto model = makeModel({.name = "resnet20", .widthMultiplier = 1.0}, {3, 32, 32}, 10);
    QTemporaryDir dir;
    const auto path = (dir.path() + "/resnet20.pt").toStdString();
    model.module.save(path);
    auto loaded = makeModel({.name = path, .widthMultiplier = 1.0}, {3, 32, 32}, 10);
    torch::NoGradGuard noGrad;
    model.module.eval();
    loaded.module.eval();
    auto x = torch::randn({4, 3, 32, 32});
    QVERIFY(torch::equal(model.forward(x), loaded.forward(x)));
    QCOMPARE(findPrunableTensors(loaded.module, {}).size(), findPrunableTensors(model.module, {}).size());
}

void TestModelZoo::excludePatterns()
{
    auto model = makeModel({.name = "lenet5", .widthMultiplier = 1.0}, {1, 28, 28}, 10);
    auto byName = findPrunableTensors(model.module, {"fc4"});
    QCOMPARE(byName.size(), size_t(3));
    for (const auto& t : byName)
        QVERIFY(t.name != "fc4.weight");
    auto byGlob = findPrunableTensors(model.module, {"conv*"});
    QCOMPARE(byGlob.size(), size_t(2));
    QCOMPARE(QString::fromStdString(byGlob[0].name), QStringLiteral("fc3.weight"));
}

void TestModelZoo::excludePatternMatchingNothingIsAnError()
{
    auto model = makeModel({.name = "lenet300", .widthMultiplier = 1.0}, {1, 28, 28}, 10);
    try {
        findPrunableTensors(model.module, {"fc9"});
        QFAIL("a pattern that matches nothing must be an error");
    } catch (const InputError& e) {
        const QString message = e.what();
        QVERIFY2(message.contains("fc9") && message.contains("fc1.weight"), e.what());
    }
}

void TestModelZoo::mismatchedModelAndDataIsAnInputError()
{
    QVERIFY_THROWS_EXCEPTION(InputError, makeModel({.name = "vgg11", .widthMultiplier = 1.0}, {3, 8, 8}, 10));
    QVERIFY_THROWS_EXCEPTION(InputError, makeModel({.name = "resnet20", .widthMultiplier = 1.1}, {3, 32, 32}, 10));
}

void TestModelZoo::missingModelFileIsAnInputError()
{
    try {
        makeModel({.name = "/nonexistent/model.pt", .widthMultiplier = 1.0}, {1, 28, 28}, 10);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains("/nonexistent/model.pt"), e.what());
    }
}

ESPALIER_TEST_MAIN(TestModelZoo)

} // namespace tst_modelzoo

#include "tst_modelzoo.moc"
