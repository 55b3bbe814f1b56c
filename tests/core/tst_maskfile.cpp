// Masks files (masks.h5): round trips of shapes, scores and dotted parameter names, the order of
// tensors, atomic writes, and InputError for missing, garbage, truncated and foreign files.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include "espalier/core/errors.h"
#include "espalier/core/inspect.h"
#include "hdf5file.h"
#include "maskfile.h"
#include "testregistry.h"

namespace tst_maskfile {

using namespace espalier::core;

namespace {

MaskData makeMask(const std::string& name, std::vector<std::int64_t> shape, double keepFraction,
                  bool withScores, unsigned seed = 1) {
    MaskData m;
    m.name = name;
    m.shape = std::move(shape);
    std::int64_t numel = 1;
    for (std::int64_t d : m.shape)
        numel *= d;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    for (std::int64_t i = 0; i < numel; ++i) {
        const float score = uniform(rng);
        m.mask.push_back(score < keepFraction ? 1 : 0);
        if (withScores)
            m.scores.push_back(score);
    }
    return m;
}

/// The message of the exception of type E thrown by `f`, or "" when it throws none.
template <typename E, typename F> QString messageOf(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

bool noTempFilesIn(const QString& dir) {
    return QDir(dir).entryList({QStringLiteral("*.tmp-*")}, QDir::Files).isEmpty();
}

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

} // namespace

class TestMaskFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void keepsOrderAndDottedNames();
    void rootAttributes();
    void writeToUnwritableFolderThrows();
    void failedWriteKeepsEarlierFile();
    void badMaskDataThrows();
    void unreadableFileGivesInputError_data();
    void unreadableFileGivesInputError();
    void foreignOrBrokenContentGivesInputError_data();
    void foreignOrBrokenContentGivesInputError();
    void inspectShowsLayersAndSparsity();
};

void TestMaskFile::roundTrip_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<bool>("scores");
    QTest::addRow("linear") << QStringLiteral("fc1.weight") << QList<qint64>{30, 20} << false;
    QTest::addRow("conv with scores")
        << QStringLiteral("features.0.weight") << QList<qint64>{8, 3, 3, 3} << true;
    QTest::addRow("vector") << QStringLiteral("bias_like") << QList<qint64>{7} << true;
    QTest::addRow("empty") << QStringLiteral("empty.weight") << QList<qint64>{0, 4} << false;
    QTest::addRow("large, compressed") << QStringLiteral("fc1.weight") << QList<qint64>{300, 784} << true;
}

void TestMaskFile::roundTrip() {
    QFETCH(QString, name);
    QFETCH(QList<qint64>, shape);
    QFETCH(bool, scores);
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("masks.h5")).toStdString();
    const MaskData written = makeMask(name.toStdString(), {shape.begin(), shape.end()}, 0.1, scores);
    writeMasksFile(path, {written});
    const std::vector<MaskData> read = readMasksFile(path);
    QCOMPARE(read.size(), std::size_t(1));
    QCOMPARE(read[0].name, written.name);
    QCOMPARE(read[0].shape, written.shape);
    QCOMPARE(read[0].mask, written.mask);
    QCOMPARE(read[0].scores, written.scores);
    QVERIFY(noTempFilesIn(dir.path()));
}

void TestMaskFile::keepsOrderAndDottedNames() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("masks.h5")).toStdString();
    // Model order, which is not name order ("features.10" sorts before "features.3").
    const std::vector<std::string> names = {"features.3.weight", "features.10.weight", "classifier.weight"};
    std::vector<MaskData> masks;
    for (std::size_t i = 0; i < names.size(); ++i)
        masks.push_back(makeMask(names[i], {4, 5}, 0.5, false, unsigned(i)));
    writeMasksFile(path, masks);
    const std::vector<MaskData> read = readMasksFile(path);
    QCOMPARE(read.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        QCOMPARE(read[i].name, names[i]);
        QCOMPARE(read[i].mask, masks[i].mask);
    }
    // One dataset per name inside /masks, not groups nested at the dots.
    h5::File file = h5::File::open(path);
    {
        const h5::Group group = file.root().openGroup("masks");
        QCOMPARE(group.children(), names);
        QVERIFY(!group.hasGroup("features"));
        QVERIFY(!group.hasGroup("features.3.weight"));
        QVERIFY(!file.root().has("scores")); // no scores were given
    }
    file.close();
}

void TestMaskFile::rootAttributes() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("masks.h5")).toStdString();
    writeMasksFile(path, {makeMask("fc1.weight", {3, 3}, 0.5, true)});
    h5::File file = h5::File::open(path);
    {
        const h5::Group root = file.root();
        QCOMPARE(root.readString("format"), std::string("espalier-masks"));
        QCOMPARE(root.readInt64("format_version"), std::int64_t(1));
        QCOMPARE(root.readString("espalier_version"), std::string(ESPALIER_VERSION));
        std::vector<std::int64_t> shape;
        const std::vector<float> scores = root.openGroup("scores").readDataset<float>("fc1.weight", &shape);
        QCOMPARE(shape, (std::vector<std::int64_t>{3, 3}));
        QCOMPARE(scores.size(), std::size_t(9));
    }
    file.close();
}

void TestMaskFile::writeToUnwritableFolderThrows() {
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("locked"));
    QVERIFY(QDir().mkpath(folder));
    const std::string path = (folder + QStringLiteral("/masks.h5")).toStdString();
    const MaskData earlier = makeMask("fc1.weight", {10, 10}, 0.3, false, 1);
    writeMasksFile(path, {earlier});
    QVERIFY(::chmod(folder.toLocal8Bit().constData(), 0555) == 0);
    // root ignores permissions: fall back to a folder that is a regular file (ENOTDIR).
    const bool permissionsApply = !QFile(folder + QStringLiteral("/probe")).open(QIODevice::WriteOnly);
    const std::string target =
        permissionsApply ? path
                         : (dir.filePath(QStringLiteral("masks.h5")) + QStringLiteral("/x.h5")).toStdString();
    if (!permissionsApply)
        writeBytes(dir.filePath(QStringLiteral("masks.h5")).toStdString(), "not a folder");
    const QString message = messageOf<std::runtime_error>([&] {
        writeMasksFile(target, {makeMask("fc1.weight", {10, 10}, 0.9, false, 2)});
    });
    ::chmod(folder.toLocal8Bit().constData(), 0755);
    QVERIFY2(message.contains(QString::fromStdString(target)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("Permission denied")) ||
                 message.contains(QStringLiteral("Not a directory")),
             qPrintable(message));
    QCOMPARE(readMasksFile(path)[0].mask, earlier.mask);
    QVERIFY(noTempFilesIn(folder));
}

void TestMaskFile::failedWriteKeepsEarlierFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("masks.h5")).toStdString();
    const MaskData earlier = makeMask("fc1.weight", {10, 10}, 0.3, false, 1);
    writeMasksFile(path, {earlier});
    // A duplicate name fails inside HDF5, after the temporary file has been partly written.
    const MaskData twice = makeMask("fc2.weight", {10, 10}, 0.5, false, 2);
    const QString message = messageOf<std::runtime_error>([&] { writeMasksFile(path, {twice, twice}); });
    QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("fc2.weight")), qPrintable(message));
    const std::vector<MaskData> read = readMasksFile(path);
    QCOMPARE(read.size(), std::size_t(1));
    QCOMPARE(read[0].mask, earlier.mask);
    QVERIFY(noTempFilesIn(dir.path()));
}

void TestMaskFile::badMaskDataThrows() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("masks.h5")).toStdString();
    MaskData wrongSize = makeMask("fc1.weight", {4, 4}, 0.5, false);
    wrongSize.mask.pop_back();
    QString message = messageOf<std::runtime_error>([&] { writeMasksFile(path, {wrongSize}); });
    QVERIFY2(message.contains(QStringLiteral("fc1.weight")) && message.contains(QStringLiteral("15")),
             qPrintable(message));
    MaskData slash = makeMask("a/b", {2, 2}, 0.5, false);
    message = messageOf<std::runtime_error>([&] { writeMasksFile(path, {slash}); });
    QVERIFY2(message.contains(QStringLiteral("a/b")), qPrintable(message));
    QVERIFY(!QFile::exists(QString::fromStdString(path)));
    QVERIFY(noTempFilesIn(dir.path()));
}

void TestMaskFile::unreadableFileGivesInputError_data() {
    QTest::addColumn<QString>("kind");
    QTest::addRow("missing") << QStringLiteral("missing");
    QTest::addRow("empty") << QStringLiteral("empty");
    QTest::addRow("garbage") << QStringLiteral("garbage");
    QTest::addRow("truncated") << QStringLiteral("truncated");
    QTest::addRow("folder") << QStringLiteral("folder");
}

void TestMaskFile::unreadableFileGivesInputError() {
    QFETCH(QString, kind);
    QTemporaryDir dir;
    const std::string path =
        dir.filePath(QStringLiteral("input-") + kind + QStringLiteral(".h5")).toStdString();
    if (kind == QLatin1String("empty")) {
        writeBytes(path, "");
    } else if (kind == QLatin1String("garbage")) {
        writeBytes(path, std::string(4096, 'x'));
    } else if (kind == QLatin1String("truncated")) {
        writeMasksFile(path, {makeMask("fc1.weight", {300, 784}, 0.1, true)});
        std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    } else if (kind == QLatin1String("folder")) {
        QVERIFY(QDir().mkpath(QString::fromStdString(path)));
    }
    const QString message = messageOf<InputError>([&] { readMasksFile(path); });
    QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
    const QString inspected = messageOf<InputError>([&] { (void)inspectFile(path); });
    QVERIFY2(inspected.contains(QString::fromStdString(path)), qPrintable(inspected));
}

void TestMaskFile::foreignOrBrokenContentGivesInputError_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::addRow("other format") << QStringLiteral("format") << QStringLiteral("format = 'something-else'");
    QTest::addRow("no /masks group") << QStringLiteral("nogroup") << QStringLiteral("/masks");
    QTest::addRow("mask value 2") << QStringLiteral("value") << QStringLiteral("/masks/fc1.weight");
    QTest::addRow("float mask") << QStringLiteral("float") << QStringLiteral("/masks/fc1.weight");
    QTest::addRow("newer version") << QStringLiteral("version") << QStringLiteral("format_version 2");
}

void TestMaskFile::foreignOrBrokenContentGivesInputError() {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("masks.h5")).toStdString();
    h5::File file = h5::File::create(path, path);
    {
        const h5::Group root = file.root();
        root.writeString("format", kind == QLatin1String("format") ? "something-else" : "espalier-masks");
        root.writeInt64("format_version", kind == QLatin1String("version") ? 2 : 1);
        if (kind != QLatin1String("nogroup")) {
            const h5::Group masks = root.createGroup("masks");
            if (kind == QLatin1String("float"))
                masks.writeDataset<double>("fc1.weight", {2}, {0.0, 1.0});
            else
                masks.writeDataset<std::uint8_t>(
                    "fc1.weight", {3}, {0, 1, std::uint8_t(kind == QLatin1String("value") ? 2 : 1)});
        }
    }
    file.close();
    const QString message = messageOf<InputError>([&] { readMasksFile(path); });
    QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestMaskFile::inspectShowsLayersAndSparsity() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("masks.h5")).toStdString();
    MaskData a = makeMask("features.0.weight", {10, 10}, 0.0, true); // 100 weights
    MaskData b = makeMask("fc1.weight", {20, 45}, 0.0, false);       // 900 weights
    a.mask[0] = a.mask[1] = 1;                                       // keep 2 of 100
    for (int i = 0; i < 18; ++i)
        b.mask[std::size_t(i) * 50] = 1; // keep 18 of 900
    writeMasksFile(path, {a, b});
    const QString text = QString::fromStdString(inspectFile(path));
    QVERIFY2(text.contains(QStringLiteral("features.0.weight")) &&
                 text.contains(QStringLiteral("fc1.weight")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("98.00 %")), qPrintable(text)); // 20 of 1000 kept
    QVERIFY2(text.contains(QStringLiteral("2.00 %")), qPrintable(text));  // both layers' density
    QVERIFY2(text.contains(QStringLiteral("10x10")), qPrintable(text));
    const nlohmann::json json = nlohmann::json::parse(inspectFileJson(path));
    QCOMPARE(json["format"].get<std::string>(), std::string("espalier-masks"));
    QCOMPARE(json["kept_weights"].get<std::int64_t>(), std::int64_t(20));
    QCOMPARE(json["prunable_weights"].get<std::int64_t>(), std::int64_t(1000));
    QCOMPARE(json["sparsity"].get<double>(), 0.98);
    QCOMPARE(json["layers"][1]["name"].get<std::string>(), std::string("fc1.weight"));
    QCOMPARE(json["layers"][0]["scores"].get<bool>(), true);
}

ESPALIER_TEST_MAIN(TestMaskFile)

} // namespace tst_maskfile

#include "tst_maskfile.moc"
