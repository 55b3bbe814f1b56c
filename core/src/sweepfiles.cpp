#include "sweepfiles.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "atomicfile.h"
#include "csvtext.h"
#include "espalier/core/errors.h"
#include "hdf5file.h"
#include "utctime.h"

namespace espalier::core {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kSummaryFormat = "espalier-sweep-summary";
constexpr std::int64_t kSweepFileVersion = 1;

// JSON has no NaN: a missing accuracy is null.
ordered_json numberOrNull(double value) { return std::isnan(value) ? ordered_json() : ordered_json(value); }

double numberOrNaN(const json& object, const char* key)
{
    if (!object.contains(key) || object.at(key).is_null())
        return std::numeric_limits<double>::quiet_NaN();
    return object.at(key).get<double>();
}

CellStatus statusFrom(const std::string& text, const std::string& path)
{
    for (auto status : {CellStatus::Pending, CellStatus::Running, CellStatus::Done, CellStatus::Failed})
        if (text == toString(status))
            return status;
    throw InputError(path + ": status '" + text + "' is not one of pending, running, done, failed");
}

} // namespace

std::string cellFolder(const std::string& folder, const std::string& cellName)
{
    return (std::filesystem::path(folder) / "cells" / cellName).string();
}

void writeSweepPlan(const std::string& folder, const SweepSpec& spec, const std::vector<SweepCell>& cells)
{
    ordered_json plan;
    plan["format"] = "espalier-sweep";
    plan["format_version"] = kSweepFileVersion;
    plan["espalier_version"] = ESPALIER_VERSION;
    plan["name"] = spec.name;
    // Absolute, so that the window can continue the sweep from any working folder.
    plan["source"] = spec.source.empty() ? std::string() : std::filesystem::absolute(spec.source).lexically_normal().string();
    plan["overrides"] = spec.overrides;
    plan["methods"] = ordered_json::array();
    for (const auto& m : spec.methods)
        plan["methods"].push_back(m.label);
    plan["sparsities"] = spec.sparsities;
    plan["seeds"] = spec.seeds;
    plan["share_pretraining"] = spec.sharePretraining;
    plan["cells"] = ordered_json::array();
    for (const auto& c : cells)
        plan["cells"].push_back({{"name", c.name}, {"method", c.method}, {"sparsity", c.sparsity}, {"seed", c.seed}});
    writeFileAtomically((std::filesystem::path(folder) / "sweep.json").string(), plan.dump(2) + "\n");
}

void writeCellResult(const std::string& path, const SweepCellResult& r, const Recipe& recipe)
{
    ordered_json out;
    out["name"] = r.name;
    out["method"] = r.method;
    out["sparsity"] = r.sparsity;
    out["seed"] = r.seed;
    out["status"] = toString(r.status);
    out["achieved_sparsity"] = numberOrNull(r.achievedSparsity);
    out["final_test_accuracy"] = numberOrNull(r.finalAccuracy);
    out["best_test_accuracy"] = numberOrNull(r.bestAccuracy);
    out["dense_test_accuracy"] = numberOrNull(r.denseAccuracy);
    out["seconds"] = r.seconds;
    out["error"] = r.error;
    out["finished_utc"] = utcNow();
    out["recipe"] = json::parse(recipeToJson(recipe));
    writeFileAtomically(path, out.dump(2) + "\n");
}

std::optional<CellRecord> readCellResult(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    try {
        const json j = json::parse(text.str());
        CellRecord record;
        SweepCellResult& r = record.result;
        r.name = j.at("name").get<std::string>();
        r.method = j.at("method").get<std::string>();
        r.sparsity = j.at("sparsity").get<double>();
        r.seed = j.at("seed").get<std::uint64_t>();
        r.status = statusFrom(j.at("status").get<std::string>(), path);
        r.achievedSparsity = numberOrNaN(j, "achieved_sparsity");
        r.finalAccuracy = numberOrNaN(j, "final_test_accuracy");
        r.bestAccuracy = numberOrNaN(j, "best_test_accuracy");
        r.denseAccuracy = numberOrNaN(j, "dense_test_accuracy");
        r.seconds = j.at("seconds").get<double>();
        r.error = j.value("error", "");
        record.recipeJson = j.at("recipe").dump();
        return record;
    } catch (const json::exception& e) {
        throw InputError(path + ": not a cell result of an Espalier sweep (" + std::string(e.what()) + ")");
    }
}

void writeSweepSummary(const std::string& folder, const SweepResults& results)
{
    namespace fs = std::filesystem;
    std::string csv = "method,sparsity,runs,final_mean,final_spread,best_mean,best_spread,achieved_sparsity,"
                      "seconds_mean\r\n";
    for (const auto& p : results.points)
        csv += csvField(p.method) + "," + csvNumber(p.sparsity) + "," + std::to_string(p.runs) + "," +
               csvNumber(p.finalMean) + "," + csvNumber(p.finalSpread) + "," + csvNumber(p.bestMean) + "," +
               csvNumber(p.bestSpread) + "," + csvNumber(p.achievedSparsity) + "," + csvNumber(p.secondsMean) +
               "\r\n";
    writeFileAtomically((fs::path(folder) / "summary.csv").string(), csv);

    const std::string path = (fs::path(folder) / "summary.h5").string();
    AtomicFile out(path);
    h5::File file = h5::File::create(out.tempPath(), path);
    {
        const h5::Group root = file.root();
        root.writeString("format", kSummaryFormat);
        root.writeInt64("format_version", kSweepFileVersion);
        root.writeString("espalier_version", ESPALIER_VERSION);
        root.writeString("created_utc", utcNow());
        root.writeString("name", results.name);
        root.writeDouble("dense_test_accuracy", results.denseAccuracy);
        root.writeDouble("dense_spread", results.denseSpread);
        root.writeInt64("dense_runs", results.denseRuns);
        std::vector<std::string> method, cellName, cellMethod, status, error;
        std::vector<double> sparsity, finalMean, finalSpread, bestMean, bestSpread, achieved, seconds;
        std::vector<std::int64_t> runs;
        for (const auto& p : results.points) {
            method.push_back(p.method);
            sparsity.push_back(p.sparsity);
            runs.push_back(p.runs);
            finalMean.push_back(p.finalMean);
            finalSpread.push_back(p.finalSpread);
            bestMean.push_back(p.bestMean);
            bestSpread.push_back(p.bestSpread);
            achieved.push_back(p.achievedSparsity);
            seconds.push_back(p.secondsMean);
        }
        root.writeTable("points", {{"method", method}, {"sparsity", sparsity}, {"runs", runs},
                                   {"final_mean", finalMean}, {"final_spread", finalSpread}, {"best_mean", bestMean},
                                   {"best_spread", bestSpread}, {"achieved_sparsity", achieved},
                                   {"seconds_mean", seconds}});
        std::vector<double> cellSparsity, cellFinal, cellBest, cellAchieved, cellDense, cellSeconds;
        std::vector<std::int64_t> seed;
        for (const auto& c : results.cells) {
            cellName.push_back(c.name);
            cellMethod.push_back(c.method);
            cellSparsity.push_back(c.sparsity);
            seed.push_back(std::int64_t(c.seed));
            status.push_back(toString(c.status));
            cellFinal.push_back(c.finalAccuracy);
            cellBest.push_back(c.bestAccuracy);
            cellAchieved.push_back(c.achievedSparsity);
            cellDense.push_back(c.denseAccuracy);
            cellSeconds.push_back(c.seconds);
            error.push_back(c.error);
        }
        root.writeTable("cells", {{"name", cellName}, {"method", cellMethod}, {"sparsity", cellSparsity},
                                  {"seed", seed}, {"status", status}, {"final_test_accuracy", cellFinal},
                                  {"best_test_accuracy", cellBest}, {"achieved_sparsity", cellAchieved},
                                  {"dense_test_accuracy", cellDense}, {"seconds", cellSeconds}, {"error", error}});
    }
    file.close();
    out.commit();
}

} // namespace espalier::core
