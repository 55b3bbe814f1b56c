// Sweep outcomes: status names, mean and spread per point, reading a sweep folder back.
#include "espalier/core/sweep.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "espalier/core/errors.h"
#include "sweepfiles.h"

namespace espalier::core {

namespace {

struct MeanSpread {
    double mean = 0.0;
    double spread = 0.0;
};

// Sample standard deviation (n − 1), the spread the results table reports; 0 for one value.
MeanSpread meanSpread(const std::vector<double>& values)
{
    MeanSpread out;
    if (values.empty())
        return out;
    for (double v : values)
        out.mean += v;
    out.mean /= double(values.size());
    if (values.size() < 2)
        return out;
    double squares = 0.0;
    for (double v : values)
        squares += (v - out.mean) * (v - out.mean);
    out.spread = std::sqrt(squares / double(values.size() - 1));
    return out;
}

} // namespace

const char* toString(CellStatus status)
{
    switch (status) {
    case CellStatus::Pending: return "pending";
    case CellStatus::Running: return "running";
    case CellStatus::Done: return "done";
    case CellStatus::Failed: return "failed";
    }
    return "unknown";
}

int SweepResults::finishedCells() const
{
    return int(std::count_if(cells.begin(), cells.end(), [](const SweepCellResult& c) {
        return c.status == CellStatus::Done || c.status == CellStatus::Failed;
    }));
}

void summarizeSweep(SweepResults& results)
{
    results.points.clear();
    for (const auto& method : results.methods) {
        std::vector<double> sparsities;
        for (const auto& c : results.cells)
            if (c.method == method && c.status == CellStatus::Done &&
                std::find(sparsities.begin(), sparsities.end(), c.sparsity) == sparsities.end())
                sparsities.push_back(c.sparsity);
        std::sort(sparsities.begin(), sparsities.end());
        for (double s : sparsities) {
            std::vector<double> finals, bests, achieved, seconds;
            for (const auto& c : results.cells) {
                if (c.method != method || c.sparsity != s || c.status != CellStatus::Done)
                    continue;
                finals.push_back(c.finalAccuracy);
                bests.push_back(c.bestAccuracy);
                achieved.push_back(c.achievedSparsity);
                seconds.push_back(c.seconds);
            }
            SweepPoint p;
            p.method = method;
            p.sparsity = s;
            p.runs = int(finals.size());
            const auto f = meanSpread(finals);
            const auto b = meanSpread(bests);
            p.finalMean = f.mean;
            p.finalSpread = f.spread;
            p.bestMean = b.mean;
            p.bestSpread = b.spread;
            p.achievedSparsity = meanSpread(achieved).mean;
            p.secondsMean = meanSpread(seconds).mean;
            results.points.push_back(p);
        }
    }
    // The dense baseline: one value per seed (cells of one seed share their pretrained model).
    std::vector<std::uint64_t> seeds;
    std::vector<double> dense;
    for (const auto& c : results.cells) {
        if (c.status != CellStatus::Done || std::isnan(c.denseAccuracy) ||
            std::find(seeds.begin(), seeds.end(), c.seed) != seeds.end())
            continue;
        seeds.push_back(c.seed);
        dense.push_back(c.denseAccuracy);
    }
    results.denseRuns = int(dense.size());
    const auto d = meanSpread(dense);
    results.denseAccuracy = dense.empty() ? std::numeric_limits<double>::quiet_NaN() : d.mean;
    results.denseSpread = d.spread;
}

SweepResults openSweepFolder(const std::string& folder)
{
    namespace fs = std::filesystem;
    const std::string planPath = (fs::path(folder) / "sweep.json").string();
    std::ifstream in(planPath, std::ios::binary);
    if (!in)
        throw InputError(folder + " is not a sweep folder (it has no sweep.json)");
    std::ostringstream text;
    text << in.rdbuf();
    SweepResults results;
    results.folder = folder;
    try {
        const auto plan = nlohmann::json::parse(text.str());
        if (plan.value("format", "") != "espalier-sweep")
            throw InputError(planPath + ": not an Espalier sweep plan (format is not espalier-sweep)");
        results.name = plan.value("name", fs::path(folder).filename().string());
        for (const auto& m : plan.at("methods"))
            results.methods.push_back(m.get<std::string>());
        for (const auto& c : plan.at("cells")) {
            SweepCellResult cell;
            cell.name = c.at("name").get<std::string>();
            cell.method = c.at("method").get<std::string>();
            cell.sparsity = c.at("sparsity").get<double>();
            cell.seed = c.at("seed").get<std::uint64_t>();
            results.cells.push_back(cell);
        }
    } catch (const nlohmann::json::exception& e) {
        throw InputError(planPath + ": damaged sweep plan (" + std::string(e.what()) + ")");
    }
    for (auto& cell : results.cells) {
        const auto record = readCellResult((fs::path(cellFolder(folder, cell.name)) / "result.json").string());
        if (record)
            cell = record->result;
    }
    summarizeSweep(results);
    return results;
}

} // namespace espalier::core
