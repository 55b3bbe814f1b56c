#include "espalier/core/inspect.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "checkpointsummary.h"
#include "espalier/core/errors.h"
#include "hdf5file.h"
#include "maskfile.h"
#include "reportfile.h"
#include "sessionreport.h"
#include "summarytext.h"

namespace espalier::core {

namespace {

using nlohmann::json;

// The same summary feeds both outputs, so text and JSON never disagree.
json summarize(const std::string& path) {
    std::string format;
    json summary = {{"file", path}};
    {
        h5::File file = h5::File::open(path);
        {
            const h5::Group root = file.root();
            format = root.hasAttribute("format") ? root.readString("format") : std::string();
            if (format.empty() && root.hasGroup("masks"))
                format = "espalier-masks";
            summary["format"] = format;
            summary["format_version"] =
                root.hasAttribute("format_version") ? root.readInt64("format_version") : 0;
            summary["espalier_version"] =
                root.hasAttribute("espalier_version") ? root.readString("espalier_version") : std::string();
        }
        file.close();
    }
    if (format != "espalier-report" && format != "espalier-masks" && format != "espalier-session")
        throw InputError(
            path + ": neither an Espalier report, session nor masks file (" +
            (format.empty() ? std::string("no 'format' attribute") : "format = '" + format + "'") + ")");

    std::vector<MaskData> masks;
    std::vector<LayerStats> stats;
    if (format == "espalier-masks") {
        masks = readMasksFile(path);
    } else {
        std::string resume;
        LoadedReport report = format == "espalier-session" ? readSessionAsReport(path, resume) : readReport(path);
        if (!resume.empty())
            summary["resume"] = resume;
        const ReportContent& c = report.content;
        const json recipe = json::parse(c.recipeJson, nullptr, /*allow_exceptions=*/false);
        summary.update({{"created_utc", report.createdUtc},
                        {"model", c.model},
                        {"dataset", c.dataset},
                        {"method", c.method},
                        {"seed", c.seed},
                        {"recipe", recipe.is_discarded() ? json(c.recipeJson) : recipe},
                        {"final_sparsity", c.finalSparsity},
                        {"final_test_accuracy", c.finalTestAccuracy},
                        {"final_effective_sparsity", c.finalEffectiveSparsity},
                        {"curve", {{"sparsity", c.curveSparsity}, {"accuracy", c.curveAccuracy}}},
                        {"events", c.events}});
        json rounds = json::array();
        for (const RoundRecord& r : c.rounds)
            rounds.push_back({{"round", r.round},
                              {"target_sparsity", r.targetSparsity},
                              {"sparsity", r.sparsity},
                              {"train_loss", r.trainLoss},
                              {"test_accuracy", r.testAccuracy},
                              {"best_test_accuracy", r.bestTestAccuracy},
                              {"validation_accuracy", r.validationAccuracy},
                              {"test_loss", r.testLoss},
                              {"seconds", r.seconds},
                              {"collapsed_layers", r.collapsedLayers},
                              {"effective_sparsity", r.effectiveSparsity},
                              {"disconnected", r.disconnected}});
        json epochs = json::array();
        for (const EpochRecord& e : c.epochs)
            epochs.push_back({{"phase", e.phase},
                              {"round", e.round},
                              {"epoch", e.epoch},
                              {"lr", e.lr},
                              {"train_loss", e.trainLoss},
                              {"train_accuracy", e.trainAccuracy},
                              {"test_loss", e.testLoss},
                              {"test_accuracy", e.testAccuracy},
                              {"validation_accuracy", e.validationAccuracy},
                              {"sparsity", e.sparsity},
                              {"seconds", e.seconds},
                              {"samples_per_second", e.samplesPerSecond}});
        summary["rounds"] = rounds;
        summary["epochs"] = epochs;
        masks = c.masks;
        stats = c.layers;
    }

    json layers = json::array();
    json warnings = json::array();
    std::int64_t numel = 0;
    std::int64_t kept = 0;
    for (std::size_t i = 0; i < masks.size(); ++i) {
        const MaskData& mask = masks[i];
        const auto n = std::int64_t(mask.mask.size());
        const auto k =
            std::int64_t(std::count_if(mask.mask.begin(), mask.mask.end(), [](auto v) { return v != 0; }));
        numel += n;
        kept += k;
        json layer = {{"name", mask.name},
                      {"shape", mask.shape},
                      {"numel", n},
                      {"kept", k},
                      {"density", n > 0 ? double(k) / double(n) : 0.0}};
        if (i < stats.size()) {
            layer["locked"] = stats[i].locked;
            layer["collapsed"] = stats[i].collapsed;
            layer["effective_kept"] = stats[i].effectiveKept;
            if (stats[i].kept != k)
                warnings.push_back("layer " + mask.name +
                                   ": attribute kept = " + std::to_string(stats[i].kept) +
                                   " but the mask keeps " + std::to_string(k));
        } else {
            layer["scores"] = !mask.scores.empty();
        }
        layers.push_back(layer);
    }
    const double density = numel > 0 ? double(kept) / double(numel) : 0.0;
    summary.update({{"layers", layers},
                    {"prunable_weights", numel},
                    {"kept_weights", kept},
                    {"density", density},
                    {"sparsity", numel > 0 ? 1.0 - density : 0.0}});
    if (summary.contains("final_sparsity") &&
        std::abs(summary["final_sparsity"].get<double>() - summary["sparsity"].get<double>()) >= 5e-5)
        warnings.push_back("stored final_sparsity differs from the sparsity of the stored masks");
    summary["warnings"] = warnings;
    return summary;
}

std::string field(const std::string& key, const std::string& value) {
    return "  " + key + std::string(key.size() < 16 ? 16 - key.size() : 1, ' ') + value + "\n";
}

std::string render(const json& s) {
    const bool report = s["format"] != "espalier-masks"; // a session reads like a report of its resume point
    const bool session = s["format"] == "espalier-session";
    const std::string sparsity = percent(s["sparsity"].get<double>());
    const std::string weights = "kept " + std::to_string(s["kept_weights"].get<std::int64_t>()) + " of " +
                                std::to_string(s["prunable_weights"].get<std::int64_t>()) +
                                " prunable weights";
    std::string out =
        std::string(session ? "Espalier session: " : report ? "Espalier report: " : "Espalier masks: ") +
        s["file"].get<std::string>() + "\n";
    std::string written = "written by Espalier " + s["espalier_version"].get<std::string>();
    if (report)
        written += ", " + s["created_utc"].get<std::string>();
    out +=
        field("format", s["format"].get<std::string>() + " " +
                            std::to_string(s["format_version"].get<std::int64_t>()) + " (" + written + ")");
    if (report) {
        for (const char* key : {"model", "dataset", "method"})
            out += field(key, s[key].get<std::string>());
        out += field("seed", std::to_string(s["seed"].get<std::uint64_t>()));
        if (session)
            out += field("continues", s["resume"].get<std::string>() + " (espalier-cli resume " +
                                          s["file"].get<std::string>() + ")");
        out += field("sparsity", sparsity + " (" + weights + ")");
        out += field("effective", percent(s["final_effective_sparsity"].get<double>()) +
                                      " (kept weights on no input→output path count as pruned)");
        out += field("test accuracy", percent(s["final_test_accuracy"].get<double>()));
    }

    std::vector<std::vector<std::string>> rows = {{"name", "shape", "numel", "kept", "density"}};
    if (report)
        rows[0].push_back("on a path");
    std::int64_t onPath = 0;
    for (const json& l : s["layers"]) {
        rows.push_back({l["name"].get<std::string>(), shapeText(l["shape"]),
                        std::to_string(l["numel"].get<std::int64_t>()),
                        std::to_string(l["kept"].get<std::int64_t>()), percent(l["density"].get<double>())});
        if (l.contains("effective_kept")) {
            rows.back().push_back(std::to_string(l["effective_kept"].get<std::int64_t>()));
            onPath += l["effective_kept"].get<std::int64_t>();
        }
    }
    rows.push_back({"total", "", std::to_string(s["prunable_weights"].get<std::int64_t>()),
                    std::to_string(s["kept_weights"].get<std::int64_t>()),
                    percent(s["density"].get<double>())});
    if (report)
        rows.back().push_back(std::to_string(onPath));
    out += "\nLayers (" + std::to_string(s["layers"].size()) + ")\n" + table(rows, 2);

    if (report) {
        rows = {{"round", "target", "sparsity", "train loss", "test acc", "best acc", "val acc", "test loss",
                 "seconds", "collapsed", "effective"}};
        for (const json& r : s["rounds"])
            rows.push_back(
                {std::to_string(r["round"].get<int>()), percent(r["target_sparsity"].get<double>()),
                 percent(r["sparsity"].get<double>()), fixed(r["train_loss"].get<double>(), 4),
                 percent(r["test_accuracy"].get<double>()), percent(r["best_test_accuracy"].get<double>()),
                 percent(r["validation_accuracy"].get<double>()), fixed(r["test_loss"].get<double>(), 4),
                 fixed(r["seconds"].get<double>(), 1), std::to_string(r["collapsed_layers"].get<int>()),
                 percent(r["effective_sparsity"].get<double>()) + (r["disconnected"].get<bool>() ? " (no path)" : "")});
        out += "\nRounds (" + std::to_string(s["rounds"].size()) + ")\n" +
               (s["rounds"].empty() ? "" : table(rows, 0));
        std::vector<std::pair<std::string, int>> phases; // in order of appearance
        for (const json& e : s["epochs"]) {
            const std::string phase = e["phase"].get<std::string>();
            auto it =
                std::find_if(phases.begin(), phases.end(), [&](const auto& p) { return p.first == phase; });
            if (it == phases.end())
                it = phases.insert(phases.end(), {phase, 0});
            ++it->second;
        }
        std::string perPhase;
        for (const auto& [phase, count] : phases) {
            perPhase += perPhase.empty() ? " (" : ", ";
            perPhase += phase + " " + std::to_string(count);
        }
        out += "\nEpochs: " + std::to_string(s["epochs"].size()) + (perPhase.empty() ? "" : perPhase + ")") +
               "\n";
        out += "\nEvents (" + std::to_string(s["events"].size()) + ")\n";
        for (const json& e : s["events"])
            out += "  " + e.get<std::string>() + "\n";
        out += std::string(session ? "\nAt the resume point: sparsity " : "\nFinal: sparsity ") + sparsity +
               ", test accuracy " +
               percent(s["final_test_accuracy"].get<double>()) + "\n";
    } else {
        out += "\nSparsity: " + sparsity + " (" + weights + ")\n";
    }
    for (const json& w : s["warnings"])
        out += "warning: " + w.get<std::string>() + "\n";
    return out;
}

} // namespace

std::string inspectFile(const std::string& path) {
    if (isSparseCheckpointFile(path))
        return renderSparseCheckpoint(summarizeSparseCheckpoint(path));
    return render(summarize(path));
}

std::string inspectFileJson(const std::string& path) {
    const json summary = isSparseCheckpointFile(path) ? summarizeSparseCheckpoint(path) : summarize(path);
    return summary.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace espalier::core
