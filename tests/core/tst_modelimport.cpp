// Importing weights and masks (model.weights, model.masks): torch.nn.utils.prune's weight_orig ×
// weight_mask folded into the weight and its mask, masks combined with a masks file, the recipe
// keys, and InputError naming the key, file and tensor for missing, extra, misshapen, truncated and
// foreign files. The state_dicts are written here the way Python's torch.save writes them (zip
// archive, protocol-2 pickle of an OrderedDict); tests/interop/check_prune_import.py uses real ones.

#include <fstream>
#include <string>
#include <vector>

#include <caffe2/serialize/inline_container.h>

#include <QTemporaryDir>
#include <QtTest>

#include "espalier/core/errors.h"
#include "maskfile.h"
#include "maskset.h"
#include "model.h"
#include "modelimport.h"
#include "prunable.h"
#include "statedictfile.h"
#include "testregistry.h"

namespace tst_modelimport {

using namespace espalier::core;

namespace {

// Pickle opcodes with a 4-byte little-endian argument: BINUNICODE 'X' + bytes, BININT 'J'.
std::string withLength(char op, std::uint32_t n)
{
    std::string out(1, op);
    out.append(reinterpret_cast<const char*>(&n), 4);
    return out;
}

std::string text(char op, const std::string& s) { return withLength(op, std::uint32_t(s.size())) + s; }

std::string integer(std::int64_t v) { return withLength('J', std::uint32_t(std::int32_t(v))); }

std::string intTuple(c10::IntArrayRef values)
{
    std::string out = "(";
    for (std::int64_t v : values)
        out += integer(v);
    return out + "t";
}

/// What Python's torch.save(state_dict, path) writes for float32 tensors (without its memo).
void saveStateDict(const std::string& path, const std::vector<NamedTensor>& tensors)
{
    caffe2::serialize::PyTorchStreamWriter writer(path);
    std::string pickle = "\x80\x02" "ccollections\nOrderedDict\n)R(";
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const torch::Tensor t = tensors[i].tensor.contiguous();
        const std::string key = std::to_string(i);
        writer.writeRecord("data/" + key, t.data_ptr(), t.nbytes());
        pickle += text('X', tensors[i].name) + "ctorch._utils\n_rebuild_tensor_v2\n((" + text('X', "storage") +
                  "ctorch\nFloatStorage\n" + text('X', key) + text('X', "cpu") + integer(t.numel()) + "tQ" +
                  integer(0) + intTuple(t.sizes()) + intTuple(t.strides()) +
                  "\x89" "ccollections\nOrderedDict\n)RtR";
    }
    pickle += "u.";
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    writer.writeEndOfFile();
}

std::vector<NamedTensor> stateOf(const Model& model)
{
    std::vector<NamedTensor> out;
    for (const auto& p : model.module.named_parameters(/*recurse=*/true))
        out.push_back({p.name, p.value.detach().clone()});
    return out;
}

Model lenet300()
{
    ModelSpec spec;
    return buildZooModel(spec, {1, 28, 28}, 10);
}

template <typename F> QString inputErrorOf(F&& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return QStringLiteral("(no InputError)");
}

} // namespace

class TestModelImport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsStateDictInOrder();
    void foldsPruningIntoWeightAndMask();
    void combinesWithMasksFile();
    void recipeKeys();
    void badFilesNameKeyFileAndTensor_data();
    void badFilesNameKeyFileAndTensor();

private:
    QTemporaryDir m_dir;
    std::string path(const QString& name) const { return m_dir.filePath(name).toStdString(); }
};

void TestModelImport::readsStateDictInOrder()
{
    const Model model = lenet300();
    saveStateDict(path(QStringLiteral("plain.pt")), stateOf(model));
    const auto read = readStateDictFile(path(QStringLiteral("plain.pt")));
    const auto expected = stateOf(model);
    QCOMPARE(read.size(), expected.size());
    for (std::size_t i = 0; i < read.size(); ++i) {
        QCOMPARE(read[i].name, expected[i].name);
        QVERIFY(torch::equal(read[i].tensor, expected[i].tensor));
    }
}

void TestModelImport::foldsPruningIntoWeightAndMask()
{
    torch::manual_seed(3);
    const Model source = lenet300();
    std::vector<NamedTensor> state;
    const torch::Tensor mask = (torch::rand({300, 784}) < 0.1).to(torch::kFloat32);
    for (const auto& t : stateOf(source)) {
        if (t.name == "fc1.weight") {
            state.push_back({"fc1.weight_orig", t.tensor});
            state.push_back({"fc1.weight_mask", mask});
        } else {
            state.push_back(t);
        }
    }
    saveStateDict(path(QStringLiteral("pruned.pt")), state);

    Model target = lenet300();
    MaskSet masks(findPrunableTensors(target.module, {}));
    ModelSpec spec;
    spec.weights = path(QStringLiteral("pruned.pt"));
    importModelState(spec, target, masks);
    QVERIFY(torch::equal(masks.mask(0), mask.to(torch::kBool)));
    QCOMPARE(masks.kept(1), masks.numel(1));
    const auto loaded = stateOf(target);
    const auto original = stateOf(source);
    QVERIFY(torch::equal(loaded[0].tensor, original[0].tensor * mask));
    for (std::size_t i = 1; i < loaded.size(); ++i)
        QVERIFY(torch::equal(loaded[i].tensor, original[i].tensor));
}

void TestModelImport::combinesWithMasksFile()
{
    Model target = lenet300();
    MaskSet masks(findPrunableTensors(target.module, {}));
    std::vector<std::uint8_t> fc3(1000, 1);
    fc3[0] = 0;
    fc3[999] = 0;
    writeMasksFile(path(QStringLiteral("masks.h5")), {MaskData{"fc3.weight", {10, 100}, fc3, {}}});
    ModelSpec spec;
    spec.masks = path(QStringLiteral("masks.h5"));
    importModelState(spec, target, masks);
    QCOMPARE(masks.kept(2), std::int64_t(998));
    QCOMPARE(masks.kept(0), masks.numel(0)); // left out of the file: dense
    const auto fc3Weight = masks.tensors()[2].weight;
    QCOMPARE(fc3Weight[0][0].item<float>(), 0.0f);
    QCOMPARE(fc3Weight[9][99].item<float>(), 0.0f);
}

void TestModelImport::recipeKeys()
{
    const Recipe r = parseRecipe(R"({"model": {"name": "lenet300", "weights": "w.pt", "masks": "m.h5"}})", "r.json");
    QCOMPARE(r.model.weights, std::string("w.pt"));
    QCOMPARE(r.model.masks, std::string("m.h5"));
    const Recipe back = parseRecipe(recipeToJson(r), "again");
    QCOMPARE(back.model.weights, r.model.weights);
    QCOMPARE(back.model.masks, r.model.masks);
    QVERIFY(recipeToJson(Recipe{}).find("\"weights\"") == std::string::npos);
    const QString typo = inputErrorOf([] { parseRecipe(R"({"model": {"weight": "w.pt"}})", "r.json"); });
    QVERIFY2(typo.contains(QLatin1String("model.weight is an unknown key")), qPrintable(typo));
    const QString type = inputErrorOf([] { parseRecipe(R"({"model": {"weights": 3}})", "r.json"); });
    QVERIFY2(type.contains(QLatin1String("model.weights must be a string")), qPrintable(type));
}

void TestModelImport::badFilesNameKeyFileAndTensor_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QStringList>("words");
    QTest::addRow("wrong shape") << "shape.pt" << "weights" << QStringList{"'fc1.weight'", "100x784", "300x784"};
    QTest::addRow("missing tensor") << "missing.pt" << "weights" << QStringList{"no tensor 'fc2.bias'"};
    QTest::addRow("extra tensor") << "extra.pt" << "weights" << QStringList{"'fc4.weight' is not a parameter"};
    QTest::addRow("truncated") << "truncated.pt" << "weights" << QStringList{"truncated"};
    QTest::addRow("not a dict") << "list.pt" << "weights" << QStringList{"not a state_dict"};
    QTest::addRow("no such file") << "absent.pt" << "weights" << QStringList{"no such file"};
    QTest::addRow("legacy format") << "legacy.pt" << "weights" << QStringList{"legacy"};
    QTest::addRow("unknown layer mask") << "layer.h5" << "masks" << QStringList{"'fc9.weight'", "fc1.weight, fc2"};
    QTest::addRow("mask shape") << "maskshape.h5" << "masks" << QStringList{"'fc2.weight'", "10x30", "100x300"};
}

void TestModelImport::badFilesNameKeyFileAndTensor()
{
    QFETCH(QString, file);
    QFETCH(QString, key);
    QFETCH(QStringList, words);
    const Model source = lenet300();
    auto state = stateOf(source);
    if (file == QLatin1String("shape.pt")) {
        state[0].tensor = torch::zeros({100, 784});
    } else if (file == QLatin1String("missing.pt")) {
        state.erase(state.begin() + 3);
    } else if (file == QLatin1String("extra.pt")) {
        state.push_back({"fc4.weight", torch::zeros({2, 2})});
    } else if (file == QLatin1String("truncated.pt")) {
        saveStateDict(path(QStringLiteral("whole.pt")), state);
        std::ifstream in(path(QStringLiteral("whole.pt")), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream(path(file), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    } else if (file == QLatin1String("legacy.pt")) {
        std::ofstream(path(file), std::ios::binary) << std::string("\x80\x02\x8a\x0a", 4) << "magic";
    } else if (file == QLatin1String("layer.h5")) {
        writeMasksFile(path(file), {MaskData{"fc9.weight", {1}, {1}, {}}});
    } else if (file == QLatin1String("maskshape.h5")) {
        writeMasksFile(path(file), {MaskData{"fc2.weight", {10, 30}, std::vector<std::uint8_t>(300, 1), {}}});
    }
    if (file == QLatin1String("list.pt")) {
        caffe2::serialize::PyTorchStreamWriter writer(path(file));
        const std::string pickle = "\x80\x02]q\x00.";
        writer.writeRecord("data.pkl", pickle.data(), pickle.size());
        writer.writeEndOfFile();
    } else if (file.endsWith(QLatin1String(".pt")) && !QFile::exists(m_dir.filePath(file)) &&
               file != QLatin1String("absent.pt")) {
        saveStateDict(path(file), state);
    }

    Model target = lenet300();
    MaskSet masks(findPrunableTensors(target.module, {}));
    ModelSpec spec;
    (key == QLatin1String("weights") ? spec.weights : spec.masks) = path(file);
    const QString message = inputErrorOf([&] { importModelState(spec, target, masks); });
    QVERIFY2(message.startsWith(QStringLiteral("model.") + key + QStringLiteral(": ")), qPrintable(message));
    QVERIFY2(message.contains(m_dir.filePath(file)), qPrintable(message));
    for (const QString& word : words)
        QVERIFY2(message.contains(word), qPrintable(message));
}

ESPALIER_TEST_MAIN(TestModelImport)

} // namespace tst_modelimport

#include "tst_modelimport.moc"
