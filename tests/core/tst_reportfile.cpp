// Reports (report.h5): round trip of every part, the layout and attribute types other tools rely on,
// kept/numel counted from the masks, atomic writes, InputError for unreadable files, inspect output,
// and the contract checked by real h5py (tests/interop/check_report_h5py.py).

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include "espalier/core/errors.h"
#include "espalier/core/inspect.h"
#include "hdf5file.h"
#include "maskfile.h"
#include "reportfile.h"
#include "testregistry.h"

namespace tst_reportfile {

using namespace espalier::core;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A layer whose first `kept` entries are kept.
void addLayer(ReportContent& c, const std::string& name, std::vector<std::int64_t> shape, std::int64_t kept) {
    MaskData mask{name, shape, {}, {}};
    std::int64_t numel = 1;
    for (std::int64_t d : shape)
        numel *= d;
    for (std::int64_t i = 0; i < numel; ++i)
        mask.mask.push_back(i < kept ? 1 : 0);
    LayerStats stats;
    stats.name = name;
    stats.shape = shape;
    stats.numel = numel;
    stats.kept = kept;
    stats.effectiveKept = kept;
    c.masks.push_back(mask);
    c.layers.push_back(stats);
}

ReportContent sampleContent() {
    ReportContent c;
    c.recipeJson = R"({"model": {"name": "lenet300"}, "method": "snip", "seed": 7})";
    c.model = "lenet300";
    c.dataset = "fashion-mnist";
    c.method = "snip";
    c.seed = 7;
    addLayer(c, "fc1.weight", {30, 20}, 30);            // 5 % of 600
    addLayer(c, "features.0.weight", {4, 3, 3, 3}, 54); // 50 % of 108
    addLayer(c, "fc3.weight", {10, 30}, 15);            // 5 % of 300, no histogram yet
    c.layers[0].histogram = {{-3.0, -2.0, -1.0, 0.0}, {0, 5, 25}, {300, 250, 20}, 0, -1.5};
    c.layers[1].histogram = {{-2.0, 0.0}, {54}, {54}, 3, -1.0};
    c.layers[1].locked = true;
    c.layers[1].floor = 0.25;
    c.layers[2].drift = 2;
    c.layers[0].effectiveKept = 24; // 6 of fc1's kept weights lead nowhere
    c.finalSparsity = 1.0 - 99.0 / 1008.0;
    c.finalTestAccuracy = 0.8612;
    c.finalEffectiveSparsity = 1.0 - 93.0 / 1008.0;
    c.rounds = {{1, 0.5, 0.5, 0.41, 0.87, 0.88, kNaN, 0.39, 12.5, 0, 0.5, false},
                {2, c.finalSparsity, c.finalSparsity, kNaN, 0.8612, 0.8650, 0.85, 0.42, 13.25, 1,
                 c.finalEffectiveSparsity, true}};
    c.epochs = {{"pretrain", 0, 1, 0.1, 0.9, 0.7, 0.6, 0.75, kNaN, 0.0, 3.0, 20000.0},
                {"round", 1, 1, 0.01, 0.5, 0.8, 0.45, 0.85, kNaN, 0.5, 3.5, 18000.0},
                {"finetune", 2, 1, 0.001, 0.4, 0.86, 0.41, 0.8612, 0.85, c.finalSparsity, 4.0, 17000.0}};
    c.curveSparsity = {0.5, c.finalSparsity};
    c.curveAccuracy = {0.87, 0.8612};
    c.events = {"round 1: sparsity 50.00 %", "warning: layer fc3.weight nearly collapsed — clamped",
                "ünïcödé event"};
    return c;
}

bool same(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

template <typename E, typename F> QString messageOf(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QString sparsityText(double fraction) {
    return QString::asprintf("%.2f %%", fraction * 100.0);
}

/// python3 that can import h5py (ESPALIER_PYTHON, python3 on PATH, /usr/bin/python3), or "".
QString pythonWithH5py() {
    QStringList candidates = {QStringLiteral("python3"), QStringLiteral("/usr/bin/python3")};
    if (const QString env = qEnvironmentVariable("ESPALIER_PYTHON"); !env.isEmpty())
        candidates.prepend(env);
    for (const QString& python : candidates) {
        QProcess probe;
        probe.start(python, {QStringLiteral("-c"), QStringLiteral("import h5py, numpy")});
        if (probe.waitForFinished(60000) && probe.exitStatus() == QProcess::NormalExit &&
            probe.exitCode() == 0)
            return python;
    }
    return {};
}

} // namespace

class TestReportFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void rootAttributes();
    void layerLayout();
    void keptAndNumelComeFromTheMasks();
    void layerWithoutMask();
    void inconsistentContentThrows();
    void writeToUnwritableFolderThrows();
    void failedWriteKeepsEarlierFile();
    void unreadableFileGivesInputError_data();
    void unreadableFileGivesInputError();
    void inspectReport();
    void h5pyReadsTheContract();
};

void TestReportFile::roundTrip() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("report.h5")).toStdString();
    const ReportContent c = sampleContent();
    writeReport(path, c);
    const LoadedReport loaded = readReport(path);
    const ReportContent& r = loaded.content;
    QCOMPARE(loaded.formatVersion, std::int64_t(1));
    QCOMPARE(loaded.espalierVersion, std::string(ESPALIER_VERSION));
    QCOMPARE(r.recipeJson, c.recipeJson);
    QCOMPARE(r.model, c.model);
    QCOMPARE(r.dataset, c.dataset);
    QCOMPARE(r.method, c.method);
    QCOMPARE(r.seed, c.seed);
    QCOMPARE(r.finalSparsity, c.finalSparsity);
    QCOMPARE(r.finalTestAccuracy, c.finalTestAccuracy);
    QCOMPARE(r.finalEffectiveSparsity, c.finalEffectiveSparsity);
    QCOMPARE(r.layers.size(), c.layers.size());
    for (std::size_t i = 0; i < c.layers.size(); ++i) {
        const LayerStats &a = c.layers[i], &b = r.layers[i];
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.shape, a.shape);
        QCOMPARE(b.numel, a.numel);
        QCOMPARE(b.kept, a.kept);
        QCOMPARE(b.floor, a.floor);
        QCOMPARE(b.locked, a.locked);
        QCOMPARE(b.drift, a.drift);
        QCOMPARE(b.effectiveKept, a.effectiveKept);
        QCOMPARE(b.histogram.edges, a.histogram.edges);
        QCOMPARE(b.histogram.keptCounts, a.histogram.keptCounts);
        QCOMPARE(b.histogram.prunedCounts, a.histogram.prunedCounts);
        QCOMPARE(b.histogram.zeroScores, a.histogram.zeroScores);
        QVERIFY(same(b.histogram.threshold, a.histogram.threshold));
        QCOMPARE(r.masks[i].name, c.masks[i].name);
        QCOMPARE(r.masks[i].shape, c.masks[i].shape);
        QCOMPARE(r.masks[i].mask, c.masks[i].mask);
    }
    QCOMPARE(r.rounds.size(), c.rounds.size());
    for (std::size_t i = 0; i < c.rounds.size(); ++i) {
        const RoundRecord &a = c.rounds[i], &b = r.rounds[i];
        QCOMPARE(b.round, a.round);
        QCOMPARE(b.collapsedLayers, a.collapsedLayers);
        QCOMPARE(b.disconnected, a.disconnected);
        QCOMPARE(b.effectiveSparsity, a.effectiveSparsity);
        for (auto [x, y] : {std::pair{a.targetSparsity, b.targetSparsity},
                            {a.sparsity, b.sparsity},
                            {a.trainLoss, b.trainLoss},
                            {a.testAccuracy, b.testAccuracy},
                            {a.bestTestAccuracy, b.bestTestAccuracy},
                            {a.validationAccuracy, b.validationAccuracy},
                            {a.testLoss, b.testLoss},
                            {a.seconds, b.seconds}})
            QVERIFY(same(x, y));
    }
    QCOMPARE(r.epochs.size(), c.epochs.size());
    for (std::size_t i = 0; i < c.epochs.size(); ++i) {
        const EpochRecord &a = c.epochs[i], &b = r.epochs[i];
        QCOMPARE(b.phase, a.phase);
        QCOMPARE(b.round, a.round);
        QCOMPARE(b.epoch, a.epoch);
        for (auto [x, y] : {std::pair{a.lr, b.lr},
                            {a.trainLoss, b.trainLoss},
                            {a.trainAccuracy, b.trainAccuracy},
                            {a.testLoss, b.testLoss},
                            {a.testAccuracy, b.testAccuracy},
                            {a.validationAccuracy, b.validationAccuracy},
                            {a.sparsity, b.sparsity},
                            {a.seconds, b.seconds},
                            {a.samplesPerSecond, b.samplesPerSecond}})
            QVERIFY(same(x, y));
    }
    QCOMPARE(r.curveSparsity, c.curveSparsity);
    QCOMPARE(r.curveAccuracy, c.curveAccuracy);
    QCOMPARE(r.events, c.events);
    QVERIFY(QDir(dir.path()).entryList({QStringLiteral("*.tmp-*")}).isEmpty());
}

void TestReportFile::rootAttributes() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("report.h5")).toStdString();
    writeReport(path, sampleContent());
    h5::File file = h5::File::open(path);
    {
        const h5::Group root = file.root();
        QCOMPARE(root.readString("format"), std::string("espalier-report"));
        QCOMPARE(root.readInt64("format_version"), std::int64_t(1));
        const QString created = QString::fromStdString(root.readString("created_utc"));
        QVERIFY2(QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)"))
                     .match(created)
                     .hasMatch(),
                 qPrintable(created));
        QCOMPARE(root.readUInt64("seed"), std::uint64_t(7));
        QCOMPARE(root.readInt64("prunable_weights"), std::int64_t(1008));
        QCOMPARE(root.readInt64("kept_weights"), std::int64_t(99));
        // Strings must not be readable as numbers and vice versa: the stored types are right.
        QVERIFY(!messageOf<InputError>([&] { (void)root.readDouble("model"); }).isEmpty());
        QVERIFY(!messageOf<InputError>([&] { (void)root.readString("final_sparsity"); }).isEmpty());
        const QString missing = messageOf<InputError>([&] { (void)root.readString("nonexistent"); });
        QVERIFY2(missing.contains(QStringLiteral("nonexistent")) &&
                     missing.contains(QString::fromStdString(path)),
                 qPrintable(missing));
        QCOMPARE(root.tableRows("rounds"), std::size_t(2));
        QVERIFY(root.tableHasColumn("rounds", "collapsed_layers"));
        QCOMPARE(root.readColumn("rounds", "seconds"), (std::vector<double>{12.5, 13.25}));
    }
    file.close();
}

void TestReportFile::layerLayout() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("report.h5")).toStdString();
    writeReport(path, sampleContent());
    h5::File file = h5::File::open(path);
    {
        const h5::Group layers = file.root().openGroup("layers");
        QCOMPARE(layers.children(),
                 (std::vector<std::string>{"fc1.weight", "features.0.weight", "fc3.weight"}));
        QVERIFY(!layers.has("features"));
        const h5::Group conv = layers.openGroup("features.0.weight");
        QCOMPARE(conv.readInt64Array("shape"), (std::vector<std::int64_t>{4, 3, 3, 3}));
        QCOMPARE(conv.readDouble("density"), 0.5);
        std::vector<std::int64_t> shape;
        QCOMPARE(conv.readDataset<std::uint8_t>("mask", &shape).size(), std::size_t(108));
        QCOMPARE(shape, (std::vector<std::int64_t>{4, 3, 3, 3}));
        const h5::Group fc1 = layers.openGroup("fc1.weight");
        QCOMPARE(fc1.readDataset<std::int64_t>("saliency_hist_counts", &shape),
                 (std::vector<std::int64_t>{0, 5, 25, 300, 250, 20}));
        QCOMPARE(shape, (std::vector<std::int64_t>{2, 3}));
        // Layers without a histogram still have (empty) histogram datasets.
        const h5::Group fc3 = layers.openGroup("fc3.weight");
        QVERIFY(fc3.readDataset<std::int64_t>("saliency_hist_counts", &shape).empty());
        QCOMPARE(shape, (std::vector<std::int64_t>{2, 0}));
        QVERIFY(fc3.readDataset<double>("saliency_hist_edges", &shape).empty());
        QCOMPARE(shape, (std::vector<std::int64_t>{0}));
    }
    file.close();
}

void TestReportFile::keptAndNumelComeFromTheMasks() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("report.h5")).toStdString();
    ReportContent c = sampleContent();
    c.layers[0].kept = 12345; // stale stats must not reach the file
    c.layers[0].numel = 1;
    writeReport(path, c);
    const LoadedReport r = readReport(path);
    QCOMPARE(r.content.layers[0].kept, std::int64_t(30));
    QCOMPARE(r.content.layers[0].numel, std::int64_t(600));
    QCOMPARE(r.content.layers[0].density(), 0.05);
}

void TestReportFile::layerWithoutMask() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("report.h5")).toStdString();
    ReportContent c = sampleContent();
    c.masks.erase(c.masks.begin() + 2); // fc3 pruned but without a mask: cannot be written
    QString message = messageOf<std::runtime_error>([&] { writeReport(path, c); });
    QVERIFY2(message.contains(QStringLiteral("fc3.weight")) && message.contains(QString::fromStdString(path)),
             qPrintable(message));
    c.layers[2].kept = c.layers[2].numel; // dense: its mask is all ones
    writeReport(path, c);
    const LoadedReport r = readReport(path);
    QCOMPARE(r.content.masks[2].mask, std::vector<std::uint8_t>(300, 1));
    // A mask without stats still becomes a layer.
    c.masks.push_back(MaskData{"extra.weight", {2, 2}, {1, 0, 0, 0}, {}});
    writeReport(path, c);
    QCOMPARE(readReport(path).content.layers.back().kept, std::int64_t(1));
}

void TestReportFile::inconsistentContentThrows() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("report.h5")).toStdString();
    ReportContent c = sampleContent();
    c.curveAccuracy.pop_back();
    QString message = messageOf<std::runtime_error>([&] { writeReport(path, c); });
    QVERIFY2(message.contains(QStringLiteral("curve")), qPrintable(message));
    c = sampleContent();
    c.layers[0].histogram.prunedCounts.pop_back();
    message = messageOf<std::runtime_error>([&] { writeReport(path, c); });
    QVERIFY2(message.contains(QStringLiteral("fc1.weight")), qPrintable(message));
    QVERIFY(!QFile::exists(QString::fromStdString(path)));
    QVERIFY(QDir(dir.path()).entryList({QStringLiteral("*.tmp-*")}).isEmpty());
}

void TestReportFile::writeToUnwritableFolderThrows() {
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("locked"));
    QVERIFY(QDir().mkpath(folder));
    const std::string path = (folder + QStringLiteral("/report.h5")).toStdString();
    writeReport(path, sampleContent());
    const QByteArray before = [&] {
        QFile f(QString::fromStdString(path));
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }();
    QVERIFY(::chmod(folder.toLocal8Bit().constData(), 0555) == 0);
    // root ignores permissions: fall back to a folder that is a regular file (ENOTDIR).
    const bool permissionsApply = !QFile(folder + QStringLiteral("/probe")).open(QIODevice::WriteOnly);
    const QString notAFolder = dir.filePath(QStringLiteral("file"));
    if (!permissionsApply)
        std::ofstream(notAFolder.toStdString()) << "x";
    const std::string target =
        permissionsApply ? path : (notAFolder + QStringLiteral("/report.h5")).toStdString();
    const QString message = messageOf<std::runtime_error>([&] { writeReport(target, ReportContent{}); });
    ::chmod(folder.toLocal8Bit().constData(), 0755);
    QVERIFY2(message.contains(QString::fromStdString(target)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("Permission denied")) ||
                 message.contains(QStringLiteral("Not a directory")),
             qPrintable(message));
    QFile after(QString::fromStdString(path));
    QVERIFY(after.open(QIODevice::ReadOnly));
    QCOMPARE(after.readAll(), before);
}

void TestReportFile::failedWriteKeepsEarlierFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("report.h5")).toStdString();
    writeReport(path, sampleContent());
    const QByteArray before = [&] {
        QFile f(QString::fromStdString(path));
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }();
    ReportContent bad = sampleContent();
    bad.layers[2].name = bad.masks[2].name = "bad/name"; // fails in HDF5, mid-write
    const QString message = messageOf<std::runtime_error>([&] { writeReport(path, bad); });
    QVERIFY2(message.contains(QString::fromStdString(path)) && message.contains(QStringLiteral("bad/name")),
             qPrintable(message));
    QFile after(QString::fromStdString(path));
    QVERIFY(after.open(QIODevice::ReadOnly));
    QCOMPARE(after.readAll(), before);
    QVERIFY(QDir(dir.path()).entryList({QStringLiteral("*.tmp-*")}).isEmpty());
}

void TestReportFile::unreadableFileGivesInputError_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::addRow("missing") << QStringLiteral("missing") << QStringLiteral("no such file");
    QTest::addRow("garbage") << QStringLiteral("garbage") << QStringLiteral("not an HDF5 file");
    QTest::addRow("truncated") << QStringLiteral("truncated") << QStringLiteral("corrupt or truncated");
    QTest::addRow("masks file") << QStringLiteral("masks") << QStringLiteral("not an Espalier report");
    QTest::addRow("missing attribute") << QStringLiteral("attribute") << QStringLiteral("model");
}

void TestReportFile::unreadableFileGivesInputError() {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("report.h5")).toStdString();
    if (kind == QLatin1String("garbage")) {
        std::ofstream(path, std::ios::binary) << std::string(10000, '\x7f');
    } else if (kind == QLatin1String("truncated")) {
        writeReport(path, sampleContent());
        std::filesystem::resize_file(path, std::filesystem::file_size(path) * 2 / 3);
    } else if (kind == QLatin1String("masks")) {
        writeMasksFile(path, sampleContent().masks);
    } else if (kind == QLatin1String("attribute")) {
        h5::File file = h5::File::create(path, path);
        file.root().writeString("format", "espalier-report");
        file.root().writeInt64("format_version", 1);
        for (const char* key : {"espalier_version", "created_utc", "recipe"})
            file.root().writeString(key, "x");
        file.close();
    }
    const QString message = messageOf<InputError>([&] { readReport(path); });
    QVERIFY2(message.contains(QString::fromStdString(path)) && message.contains(expected),
             qPrintable(message));
    if (kind != QLatin1String("masks")) {
        const QString inspected = messageOf<InputError>([&] { (void)inspectFileJson(path); });
        QVERIFY2(inspected.contains(QString::fromStdString(path)), qPrintable(inspected));
    }
}

void TestReportFile::inspectReport() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("report.h5")).toStdString();
    const ReportContent c = sampleContent();
    writeReport(path, c);
    const QString text = QString::fromStdString(inspectFile(path));
    for (const MaskData& mask : c.masks)
        QVERIFY2(text.contains(QString::fromStdString(mask.name)), qPrintable(text));
    const QString sparsity = sparsityText(1.0 - 99.0 / 1008.0); // from the masks: "90.18 %"
    QVERIFY2(text.contains(QStringLiteral("Final: sparsity ") + sparsity), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("86.12 %")), qPrintable(text)); // final test accuracy
    QVERIFY2(text.contains(QStringLiteral("4x3x3x3")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("50.00 %")), qPrintable(text)); // conv density
    QVERIFY2(text.contains(QStringLiteral("Rounds (2)")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("ünïcödé event")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("lenet300")), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("\nwarning: ")), qPrintable(text)); // no inconsistency found

    const nlohmann::json json = nlohmann::json::parse(inspectFileJson(path));
    QCOMPARE(json["format"].get<std::string>(), std::string("espalier-report"));
    QCOMPARE(json["layers"].size(), std::size_t(3));
    QCOMPARE(json["layers"][1]["name"].get<std::string>(), std::string("features.0.weight"));
    QCOMPARE(json["kept_weights"].get<std::int64_t>(), std::int64_t(99));
    QCOMPARE(json["rounds"].size(), std::size_t(2));
    QVERIFY(json["rounds"][0]["validation_accuracy"].is_null()); // NaN
    QCOMPARE(json["recipe"]["method"].get<std::string>(), std::string("snip"));
    QCOMPARE(json["events"].size(), std::size_t(3));
    QCOMPARE(json["final_effective_sparsity"].get<double>(), c.finalEffectiveSparsity);
    QCOMPARE(json["layers"][0]["effective_kept"].get<std::int64_t>(), std::int64_t(24));
    QCOMPARE(json["rounds"][1]["disconnected"].get<bool>(), true);
    QVERIFY2(text.contains(QStringLiteral("(no path)")), qPrintable(text)); // round 2 is disconnected
}

void TestReportFile::h5pyReadsTheContract() {
    QString script = QFINDTESTDATA("../interop/check_report_h5py.py");
    if (script.isEmpty())
        script =
            qEnvironmentVariable("ESPALIER_TEST_DATA") + QStringLiteral("/../interop/check_report_h5py.py");
    QVERIFY2(QFile::exists(script), qPrintable(script));
    const QString python = pythonWithH5py();
    if (python.isEmpty())
        QSKIP("python3 with h5py and numpy not found (tried $ESPALIER_PYTHON, python3, /usr/bin/python3); "
              "install python3-h5py to run the interop check");
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.h5"));
    const QString masks = dir.filePath(QStringLiteral("masks.h5"));
    ReportContent c = sampleContent();
    writeReport(report.toStdString(), c);
    c.masks[0].scores.assign(c.masks[0].mask.size(), 0.5f);
    writeMasksFile(masks.toStdString(), c.masks);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(python, {script, report, masks});
    QVERIFY(process.waitForFinished(120000));
    const QString output = QString::fromUtf8(process.readAll());
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("0 failed")), qPrintable(output));
}

ESPALIER_TEST_MAIN(TestReportFile)

} // namespace tst_reportfile

#include "tst_reportfile.moc"
