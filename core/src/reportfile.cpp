#include "reportfile.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "atomicfile.h"
#include "espalier/core/errors.h"
#include "hdf5file.h"
#include "maskfile.h"
#include "utctime.h"

namespace espalier::core {

namespace {

constexpr const char* kReportFormat = "espalier-report";
constexpr std::int64_t kReportFileVersion = 1;

// Pairs every LayerStats with its mask by name; masks without stats get stats from the mask.
std::vector<std::pair<LayerStats, MaskData>> pairLayers(const std::string& path,
                                                        const ReportContent& content) {
    std::map<std::string, const MaskData*> byName;
    for (const MaskData& mask : content.masks) {
        checkMaskData(path, mask);
        byName[mask.name] = &mask;
    }
    std::vector<std::pair<LayerStats, MaskData>> layers;
    for (const LayerStats& stats : content.layers) {
        const auto it = byName.find(stats.name);
        MaskData mask;
        if (it != byName.end()) {
            mask = *it->second;
            byName.erase(it);
        } else if (stats.kept == stats.numel) { // dense layer: its all-ones mask is implied
            mask =
                MaskData{stats.name, stats.shape, std::vector<std::uint8_t>(std::size_t(stats.numel), 1), {}};
            checkMaskData(path, mask);
        } else {
            throw std::runtime_error("cannot write '" + path + "': layer '" + stats.name + "' has no mask");
        }
        if (!stats.shape.empty() && stats.shape != mask.shape)
            throw std::runtime_error("cannot write '" + path + "': layer '" + stats.name +
                                     "' has a mask of another shape than the layer");
        layers.emplace_back(stats, std::move(mask));
    }
    for (const MaskData& mask : content.masks) {
        if (byName.count(mask.name) > 0) {
            LayerStats stats;
            stats.name = mask.name;
            layers.emplace_back(stats, mask);
        }
    }
    return layers;
}

void writeLayer(const h5::Group& layers, LayerStats stats, const MaskData& mask) {
    stats.shape = mask.shape;
    stats.numel = std::int64_t(mask.mask.size());
    stats.kept = std::count_if(mask.mask.begin(), mask.mask.end(), [](std::uint8_t v) { return v != 0; });
    const h5::Group group = layers.createGroup(stats.name);
    group.writeInt64Array("shape", stats.shape);
    group.writeInt64("numel", stats.numel);
    group.writeInt64("kept", stats.kept);
    group.writeDouble("density", stats.density());
    group.writeDouble("floor", stats.floor);
    group.writeInt64("locked", stats.locked ? 1 : 0);
    group.writeInt64("collapsed", stats.collapsed ? 1 : 0);
    group.writeInt64("effective_kept", stats.effectiveKept);
    group.writeInt64("drift", stats.drift);
    group.writeInt64("channels", stats.channels);
    group.writeInt64("kept_channels", stats.keptChannels);
    group.writeInt64("saliency_zero_scores", stats.histogram.zeroScores);
    group.writeDouble("saliency_threshold", stats.histogram.threshold);
    group.writeDataset("mask", mask.shape, mask.mask);

    const SaliencyHistogram& histogram = stats.histogram;
    if (histogram.keptCounts.size() != histogram.prunedCounts.size())
        group.fail(group.path(), "saliency histogram has different kept and pruned bin counts");
    std::vector<std::int64_t> counts = histogram.keptCounts;
    counts.insert(counts.end(), histogram.prunedCounts.begin(), histogram.prunedCounts.end());
    const h5::Node countsNode =
        group.writeDataset("saliency_hist_counts", {2, std::int64_t(histogram.keptCounts.size())}, counts);
    countsNode.writeString("rows", "kept, pruned");
    group.writeDataset("saliency_hist_edges", {std::int64_t(histogram.edges.size())}, histogram.edges);
}

template <typename T, typename Row, typename F> std::vector<T> column(const std::vector<Row>& rows, F field) {
    std::vector<T> values;
    for (const auto& row : rows)
        values.push_back(T(field(row)));
    return values;
}

void writeTables(const h5::Group& root, const ReportContent& c) {
    using I = std::int64_t;
    const auto& r = c.rounds;
    root.writeTable(
        "rounds",
        {
            {"round", column<I>(r, [](const RoundRecord& x) { return x.round; })},
            {"target_sparsity", column<double>(r, [](const RoundRecord& x) { return x.targetSparsity; })},
            {"sparsity", column<double>(r, [](const RoundRecord& x) { return x.sparsity; })},
            {"train_loss", column<double>(r, [](const RoundRecord& x) { return x.trainLoss; })},
            {"test_accuracy", column<double>(r, [](const RoundRecord& x) { return x.testAccuracy; })},
            {"best_test_accuracy",
             column<double>(r, [](const RoundRecord& x) { return x.bestTestAccuracy; })},
            {"validation_accuracy",
             column<double>(r, [](const RoundRecord& x) { return x.validationAccuracy; })},
            {"test_loss", column<double>(r, [](const RoundRecord& x) { return x.testLoss; })},
            {"seconds", column<double>(r, [](const RoundRecord& x) { return x.seconds; })},
            {"collapsed_layers", column<I>(r, [](const RoundRecord& x) { return x.collapsedLayers; })},
            {"effective_sparsity", column<double>(r, [](const RoundRecord& x) { return x.effectiveSparsity; })},
            {"disconnected", column<I>(r, [](const RoundRecord& x) { return x.disconnected ? 1 : 0; })},
        });
    const auto& e = c.epochs;
    root.writeTable(
        "epochs",
        {
            {"phase", column<std::string>(e, [](const EpochRecord& x) { return x.phase; })},
            {"round", column<I>(e, [](const EpochRecord& x) { return x.round; })},
            {"epoch", column<I>(e, [](const EpochRecord& x) { return x.epoch; })},
            {"lr", column<double>(e, [](const EpochRecord& x) { return x.lr; })},
            {"train_loss", column<double>(e, [](const EpochRecord& x) { return x.trainLoss; })},
            {"train_accuracy", column<double>(e, [](const EpochRecord& x) { return x.trainAccuracy; })},
            {"test_loss", column<double>(e, [](const EpochRecord& x) { return x.testLoss; })},
            {"test_accuracy", column<double>(e, [](const EpochRecord& x) { return x.testAccuracy; })},
            {"validation_accuracy",
             column<double>(e, [](const EpochRecord& x) { return x.validationAccuracy; })},
            {"sparsity", column<double>(e, [](const EpochRecord& x) { return x.sparsity; })},
            {"seconds", column<double>(e, [](const EpochRecord& x) { return x.seconds; })},
            {"samples_per_second",
             column<double>(e, [](const EpochRecord& x) { return x.samplesPerSecond; })},
        });
}

LayerStats readLayer(const h5::Group& layers, const std::string& name, MaskData& mask) {
    const h5::Group group = layers.openGroup(name);
    LayerStats stats;
    stats.name = name;
    stats.shape = group.readInt64Array("shape");
    stats.numel = group.readInt64("numel");
    stats.kept = group.readInt64("kept");
    if (group.hasAttribute("floor"))
        stats.floor = group.readDouble("floor");
    if (group.hasAttribute("locked"))
        stats.locked = group.readInt64("locked") != 0;
    if (group.hasAttribute("collapsed"))
        stats.collapsed = group.readInt64("collapsed") != 0;
    if (group.hasAttribute("effective_kept"))
        stats.effectiveKept = group.readInt64("effective_kept");
    if (group.hasAttribute("drift"))
        stats.drift = group.readInt64("drift");
    if (group.hasAttribute("channels"))
        stats.channels = group.readInt64("channels");
    if (group.hasAttribute("kept_channels"))
        stats.keptChannels = group.readInt64("kept_channels");
    if (group.hasAttribute("saliency_zero_scores"))
        stats.histogram.zeroScores = group.readInt64("saliency_zero_scores");
    if (group.hasAttribute("saliency_threshold"))
        stats.histogram.threshold = group.readDouble("saliency_threshold");
    mask.name = name;
    mask.mask = group.readDataset<std::uint8_t>("mask", &mask.shape);
    if (mask.shape != stats.shape)
        group.fail(group.path() + "/mask", "its shape differs from the layer's 'shape' attribute");
    std::vector<std::int64_t> shape;
    const std::vector<std::int64_t> counts = group.readDataset<std::int64_t>("saliency_hist_counts", &shape);
    if (shape.size() != 2 || shape[0] != 2)
        group.fail(group.path() + "/saliency_hist_counts", "expected 2 rows (kept, pruned)");
    const auto bins = std::ptrdiff_t(shape[1]);
    stats.histogram.keptCounts.assign(counts.begin(), counts.begin() + bins);
    stats.histogram.prunedCounts.assign(counts.begin() + bins, counts.end());
    stats.histogram.edges = group.readDataset<double>("saliency_hist_edges");
    return stats;
}

void readTables(const h5::Group& root, ReportContent& c) {
    if (root.has("rounds")) {
        const auto col = [&](const char* name) { return root.readColumn("rounds", name); };
        const auto round = col("round"), target = col("target_sparsity"), sparsity = col("sparsity"),
                   trainLoss = col("train_loss"), test = col("test_accuracy"),
                   best = col("best_test_accuracy"), validation = col("validation_accuracy"),
                   testLoss = col("test_loss"), seconds = col("seconds"), collapsed = col("collapsed_layers");
        // Reports written before effective sparsity was recorded lack the last two columns.
        const bool hasEffective = root.tableHasColumn("rounds", "effective_sparsity");
        const auto effective = hasEffective ? col("effective_sparsity") : std::vector<double>(round.size(), 0.0);
        const auto disconnected = hasEffective ? col("disconnected") : std::vector<double>(round.size(), 0.0);
        for (std::size_t i = 0; i < round.size(); ++i)
            c.rounds.push_back(RoundRecord{int(round[i]), target[i], sparsity[i], trainLoss[i], test[i],
                                           best[i], validation[i], testLoss[i], seconds[i],
                                           int(collapsed[i]), effective[i], disconnected[i] != 0});
    }
    if (root.has("epochs")) {
        const auto col = [&](const char* name) { return root.readColumn("epochs", name); };
        const auto phase = root.readStringColumn("epochs", "phase");
        const auto round = col("round"), epoch = col("epoch"), lr = col("lr"), trainLoss = col("train_loss"),
                   trainAccuracy = col("train_accuracy"), testLoss = col("test_loss"),
                   test = col("test_accuracy"), validation = col("validation_accuracy"),
                   sparsity = col("sparsity"), seconds = col("seconds"), speed = col("samples_per_second");
        for (std::size_t i = 0; i < phase.size(); ++i)
            c.epochs.push_back(EpochRecord{phase[i], int(round[i]), int(epoch[i]), lr[i], trainLoss[i],
                                           trainAccuracy[i], testLoss[i], test[i], validation[i], sparsity[i],
                                           seconds[i], speed[i]});
    }
}

} // namespace

void writeReport(const std::string& path, const ReportContent& content) {
    const auto layers = pairLayers(path, content);
    if (content.curveSparsity.size() != content.curveAccuracy.size())
        throw std::runtime_error("cannot write '" + path + "': the curve has " +
                                 std::to_string(content.curveSparsity.size()) + " sparsities but " +
                                 std::to_string(content.curveAccuracy.size()) + " accuracies");
    std::int64_t prunable = 0;
    std::int64_t kept = 0;
    for (const auto& [stats, mask] : layers) {
        prunable += std::int64_t(mask.mask.size());
        kept += std::count_if(mask.mask.begin(), mask.mask.end(), [](std::uint8_t v) { return v != 0; });
    }
    AtomicFile out(path);
    h5::File file = h5::File::create(out.tempPath(), path);
    {
        const h5::Group root = file.root();
        root.writeString("format", kReportFormat);
        root.writeInt64("format_version", kReportFileVersion);
        root.writeString("espalier_version", ESPALIER_VERSION);
        root.writeString("created_utc", utcNow());
        root.writeString("recipe", content.recipeJson);
        root.writeString("model", content.model);
        root.writeString("dataset", content.dataset);
        root.writeString("method", content.method);
        root.writeUInt64("seed", content.seed);
        root.writeDouble("final_sparsity", content.finalSparsity);
        root.writeDouble("final_test_accuracy", content.finalTestAccuracy);
        root.writeDouble("final_effective_sparsity", content.finalEffectiveSparsity);
        root.writeInt64("prunable_weights", prunable);
        root.writeInt64("kept_weights", kept);
        {
            const h5::Group group = root.createGroup("layers");
            for (const auto& [stats, mask] : layers)
                writeLayer(group, stats, mask);
        }
        writeTables(root, content);
        {
            const h5::Group curve = root.createGroup("curve");
            const std::int64_t points = std::int64_t(content.curveSparsity.size());
            curve.writeDataset("sparsity", {points}, content.curveSparsity);
            curve.writeDataset("accuracy", {points}, content.curveAccuracy);
        }
        root.writeStrings("events", content.events);
    }
    file.close();
    out.commit();
}

LoadedReport readReport(const std::string& path) {
    h5::File file = h5::File::open(path);
    LoadedReport report;
    ReportContent& c = report.content;
    {
        const h5::Group root = file.root();
        if (!root.hasAttribute("format"))
            throw InputError(path + ": not an Espalier report (no 'format' attribute)");
        if (const std::string format = root.readString("format"); format != kReportFormat)
            throw InputError(path + ": not an Espalier report (format = '" + format + "')");
        report.formatVersion = root.readInt64("format_version");
        if (report.formatVersion > kReportFileVersion)
            throw InputError(path + ": format_version " + std::to_string(report.formatVersion) +
                             " was written by a newer Espalier (this one reads version 1)");
        report.espalierVersion = root.readString("espalier_version");
        report.createdUtc = root.readString("created_utc");
        c.recipeJson = root.readString("recipe");
        c.model = root.readString("model");
        c.dataset = root.readString("dataset");
        c.method = root.readString("method");
        c.seed = root.readUInt64("seed");
        c.finalSparsity = root.readDouble("final_sparsity");
        c.finalTestAccuracy = root.readDouble("final_test_accuracy");
        if (root.hasAttribute("final_effective_sparsity"))
            c.finalEffectiveSparsity = root.readDouble("final_effective_sparsity");
        const h5::Group layers = root.openGroup("layers");
        for (const std::string& name : layers.children()) {
            MaskData mask;
            c.layers.push_back(readLayer(layers, name, mask));
            c.masks.push_back(std::move(mask));
        }
        readTables(root, c);
        if (root.hasGroup("curve")) {
            const h5::Group curve = root.openGroup("curve");
            c.curveSparsity = curve.readDataset<double>("sparsity");
            c.curveAccuracy = curve.readDataset<double>("accuracy");
        }
        if (root.has("events"))
            c.events = root.readStrings("events");
    }
    file.close();
    return report;
}

} // namespace espalier::core
