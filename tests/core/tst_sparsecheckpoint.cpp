// Sparse checkpoints (checkpoint.h5): numpy's bit order, a lossless round trip of weights, masks and
// buffers in their dtypes, the size at 98 % sparsity, a session that starts from one, and InputError
// for truncated, foreign, inconsistent and mismatched files.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <QTemporaryDir>
#include <QtTest>

#include "espalier/core/errors.h"
#include "hdf5file.h"
#include "maskfile.h"
#include "maskset.h"
#include "model.h"
#include "modelexport.h"
#include "modelimport.h"
#include "prunable.h"
#include "sessiontesting.h"
#include "sparsecheckpoint.h"
#include "testregistry.h"

namespace tst_sparsecheckpoint {

using namespace espalier::core;

namespace {

struct PrunedModel {
    Model model;
    MaskSet masks;
};

// A zoo model with random masks at `density` (masked weights zeroed) and non-trivial BN statistics.
PrunedModel prunedModel(const std::string& zoo, const std::vector<std::int64_t>& input, double density,
                        torch::ScalarType dtype = torch::kFloat32)
{
    torch::manual_seed(7);
    ModelSpec spec;
    spec.name = zoo;
    PrunedModel p{buildZooModel(spec, input, 10), {}};
    p.model.module.to(dtype);
    {
        torch::NoGradGuard noGrad;
        for (const auto& b : p.model.module.named_buffers(/*recurse=*/true))
            b.value.uniform_(0.5, 1.5);
    }
    p.masks = MaskSet(findPrunableTensors(p.model.module, {}));
    std::vector<torch::Tensor> masks;
    for (const auto& m : p.masks.masks())
        masks.push_back(torch::rand(m.sizes()) < density);
    p.masks.setMasks(masks);
    p.masks.applyToWeights();
    return p;
}

template <typename F> QString inputErrorOf(F&& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

const CheckpointTensor* find(const SparseCheckpoint& checkpoint, const std::string& name)
{
    for (const auto& t : checkpoint.tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

} // namespace

class TestSparseCheckpoint : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void packsBitsLikeNumpy();
    void roundTripIsLossless_data();
    void roundTripIsLossless();
    void sparseLeNetIsSmallerThanAGoodPercentOfTorchScript();
    void sessionStartsFromCheckpoint();
    void truncatedFileGivesInputError();
    void foreignFileGivesInputError();
    void inconsistentBitmaskNamesTheTensor();
    void wrongShapeNamesTheLayer();
    void missingTensorNamesIt();

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(QLatin1String(name)).toStdString(); }
};

void TestSparseCheckpoint::packsBitsLikeNumpy()
{
    // numpy.packbits([1,0,0,0,0,0,0,1, 1,1]) == [0x81, 0xC0]
    const auto mask = torch::tensor({1, 0, 0, 0, 0, 0, 0, 1, 1, 1}).to(torch::kBool);
    const auto bits = packMask(mask);
    QCOMPARE(bits, (std::vector<std::uint8_t>{0x81, 0xC0}));
    QVERIFY(torch::equal(unpackMask(bits, 10), mask));
    QVERIFY(packMask(torch::zeros({0}, torch::kBool)).empty());
}

void TestSparseCheckpoint::roundTripIsLossless_data()
{
    QTest::addColumn<QString>("zoo");
    QTest::addColumn<int>("side");
    QTest::addColumn<double>("density");
    QTest::addColumn<bool>("float64");
    QTest::addRow("lenet300 98 percent") << "lenet300" << 28 << 0.02 << false;
    QTest::addRow("lenet300 dense") << "lenet300" << 28 << 1.0 << false;
    QTest::addRow("lenet300 empty") << "lenet300" << 28 << 0.0 << false;
    QTest::addRow("lenet300 float64") << "lenet300" << 28 << 0.1 << true;
    QTest::addRow("resnet20 with BN buffers") << "resnet20" << 32 << 0.2 << false;
}

void TestSparseCheckpoint::roundTripIsLossless()
{
    QFETCH(QString, zoo);
    QFETCH(int, side);
    QFETCH(double, density);
    QFETCH(bool, float64);
    const std::int64_t channels = zoo == QLatin1String("resnet20") ? 3 : 1;
    PrunedModel p = prunedModel(zoo.toStdString(), {channels, side, side}, density,
                                float64 ? torch::kFloat64 : torch::kFloat32);
    writeSparseCheckpoint(p.model, p.masks, path("roundtrip.h5"));
    const SparseCheckpoint back = readSparseCheckpoint(path("roundtrip.h5"));
    QCOMPARE(back.model, zoo.toStdString());

    std::vector<std::pair<std::string, torch::Tensor>> originals;
    for (const auto& t : p.model.module.named_parameters(/*recurse=*/true))
        originals.emplace_back(t.name, t.value);
    for (const auto& t : p.model.module.named_buffers(/*recurse=*/true))
        originals.emplace_back(t.name, t.value);
    QCOMPARE(back.tensors.size(), originals.size());
    for (const auto& [name, value] : originals) {
        const CheckpointTensor* stored = find(back, name);
        QVERIFY2(stored, name.c_str());
        QCOMPARE(stored->value.scalar_type(), value.scalar_type());
        QVERIFY2(torch::equal(stored->value, value), name.c_str());
    }
    for (std::size_t i = 0; i < p.masks.size(); ++i) {
        const CheckpointTensor* stored = find(back, p.masks.tensors()[i].name);
        QVERIFY(stored->mask.defined());
        QVERIFY(torch::equal(stored->mask, p.masks.mask(i)));
    }
}

void TestSparseCheckpoint::sparseLeNetIsSmallerThanAGoodPercentOfTorchScript()
{
    PrunedModel p = prunedModel("lenet300", {1, 28, 28}, 0.02);
    writeSparseCheckpoint(p.model, p.masks, path("sparse.h5"));
    saveTorchScript(p.model, path("dense.pt"));
    const auto sparse = std::filesystem::file_size(path("sparse.h5"));
    const auto dense = std::filesystem::file_size(path("dense.pt"));
    qInfo("98 %% sparse LeNet-300-100: checkpoint %zu bytes, TorchScript %zu bytes (%.2f %%)", std::size_t(sparse),
          std::size_t(dense), 100.0 * double(sparse) / double(dense));
    QVERIFY(double(sparse) <= 0.08 * double(dense));
}

void TestSparseCheckpoint::sessionStartsFromCheckpoint()
{
    using testing::savedParameters;
    Session first(testing::syntheticRecipe());
    first.run();
    first.saveSparseCheckpoint(path("session.h5"));

    Recipe recipe = testing::syntheticRecipe();
    recipe.model.weights = path("session.h5");
    Session second(recipe);
    QCOMPARE(second.snapshot().sparsity, first.snapshot().sparsity);
    const auto before = savedParameters(first, m_dir.filePath(QStringLiteral("first.pt")));
    const auto loaded = savedParameters(second, m_dir.filePath(QStringLiteral("second.pt")));
    QCOMPARE(loaded.size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i)
        QVERIFY(torch::equal(loaded[i], before[i]));

    // Masks only shrink: what the checkpoint pruned stays zero through another run.
    second.run();
    const auto after = savedParameters(second, m_dir.filePath(QStringLiteral("after.pt")));
    for (std::size_t i = 0; i < before.size(); ++i)
        if (before[i].dim() >= 2)
            QCOMPARE(after[i].masked_select(before[i].eq(0)).ne(0).sum().item<std::int64_t>(), std::int64_t(0));
    QVERIFY(second.snapshot().sparsity >= first.snapshot().sparsity);
}

void TestSparseCheckpoint::truncatedFileGivesInputError()
{
    PrunedModel p = prunedModel("lenet300", {1, 28, 28}, 0.1);
    writeSparseCheckpoint(p.model, p.masks, path("whole.h5"));
    std::ifstream in(path("whole.h5"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(path("half.h5"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);

    QVERIFY(inputErrorOf([&] { readSparseCheckpoint(path("half.h5")); }).contains(QLatin1String("half.h5")));
    ModelSpec spec;
    spec.weights = path("half.h5");
    const QString message = inputErrorOf([&] { importModelState(spec, p.model, p.masks); });
    QVERIFY2(message.startsWith(QLatin1String("model.weights: ")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("half.h5")), qPrintable(message));
}

void TestSparseCheckpoint::foreignFileGivesInputError()
{
    writeMasksFile(path("masks.h5"), {MaskData{"fc1.weight", {2, 2}, {1, 0, 0, 1}, {}}});
    const QString message = inputErrorOf([&] { readSparseCheckpoint(path("masks.h5")); });
    QVERIFY2(message.contains(QLatin1String("not an Espalier sparse checkpoint")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("espalier-masks")), qPrintable(message));
}

void TestSparseCheckpoint::inconsistentBitmaskNamesTheTensor()
{
    {
        h5::File file = h5::File::create(path("bad.h5"), path("bad.h5"));
        {
            const h5::Group root = file.root();
            root.writeString("format", "espalier-sparse-checkpoint");
            root.writeInt64("format_version", 1);
            root.writeString("espalier_version", "test");
            root.writeString("model", "lenet300");
            const h5::Group layer = root.createGroup("sparse").createGroup("fc1.weight");
            layer.writeInt64Array("shape", {2, 8});
            layer.writeInt64("numel", 16);
            layer.writeInt64("kept", 1);
            layer.writeDataset("bitmask", {1}, std::vector<std::uint8_t>{0x80});
            const h5::Group dense = root.createGroup("dense");
        }
        file.close();
    }
    const QString message = inputErrorOf([&] { readSparseCheckpoint(path("bad.h5")); });
    QVERIFY2(message.contains(QLatin1String("fc1.weight/bitmask")), qPrintable(message));
}

void TestSparseCheckpoint::wrongShapeNamesTheLayer()
{
    PrunedModel small = prunedModel("lenet300", {1, 10, 10}, 0.5); // fc1 is 300x100
    writeSparseCheckpoint(small.model, small.masks, path("small.h5"));
    PrunedModel target = prunedModel("lenet300", {1, 28, 28}, 1.0);
    ModelSpec spec;
    spec.weights = path("small.h5");
    const QString message = inputErrorOf([&] { importModelState(spec, target.model, target.masks); });
    QVERIFY2(message.contains(QLatin1String("'fc1.weight' has shape 300x100, lenet300 expects 300x784")),
             qPrintable(message));
}

void TestSparseCheckpoint::missingTensorNamesIt()
{
    PrunedModel lenet5 = prunedModel("lenet5", {1, 28, 28}, 0.5);
    writeSparseCheckpoint(lenet5.model, lenet5.masks, path("lenet5.h5"));
    PrunedModel target = prunedModel("lenet300", {1, 28, 28}, 1.0);
    ModelSpec spec;
    spec.weights = path("lenet5.h5");
    const QString message = inputErrorOf([&] { importModelState(spec, target.model, target.masks); });
    QVERIFY2(message.contains(QLatin1String("no tensor 'fc1.weight'")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("lenet5.h5")), qPrintable(message));
}

ESPALIER_TEST_MAIN(TestSparseCheckpoint)

} // namespace tst_sparsecheckpoint

#include "tst_sparsecheckpoint.moc"
