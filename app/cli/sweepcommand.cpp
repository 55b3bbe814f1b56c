// espalier-cli sweep: one run per (method, sparsity, seed) into a resumable sweep folder.
#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "espalier/core/errors.h"
#include "espalier/core/sweep.h"
#include "interrupt.h"
#include "progressprinter.h"
#include "resulttables.h"

namespace espalier::cli {

namespace {

std::string meanSpread(double mean, double spread, int runs)
{
    return runs > 1 ? percent(mean) + " ± " + percent(spread) : percent(mean);
}

std::string pointTable(const core::SweepResults& results)
{
    std::ostringstream out;
    out << "method            sparsity  runs  final test acc         best test acc          seconds\n";
    char line[256];
    for (const auto& p : results.points) {
        std::snprintf(line, sizeof line, "%-16s %9s %5d  %-22s %-22s %7.0f\n", p.method.c_str(),
                      percent(p.sparsity).c_str(), p.runs, meanSpread(p.finalMean, p.finalSpread, p.runs).c_str(),
                      meanSpread(p.bestMean, p.bestSpread, p.runs).c_str(), p.secondsMean);
        out << line;
    }
    if (results.denseRuns > 0)
        out << "dense baseline: " << meanSpread(results.denseAccuracy, results.denseSpread, results.denseRuns)
            << " test accuracy (" << results.denseRuns << " seed" << (results.denseRuns > 1 ? "s" : "") << ")\n";
    return out.str();
}

nlohmann::json resultsJson(const core::SweepResults& results)
{
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : results.points)
        points.push_back({{"method", p.method}, {"sparsity", p.sparsity}, {"runs", p.runs},
                          {"final_mean", p.finalMean}, {"final_spread", p.finalSpread}, {"best_mean", p.bestMean},
                          {"best_spread", p.bestSpread}, {"achieved_sparsity", p.achievedSparsity},
                          {"seconds_mean", p.secondsMean}});
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : results.cells)
        cells.push_back({{"name", c.name}, {"method", c.method}, {"sparsity", c.sparsity}, {"seed", c.seed},
                         {"status", core::toString(c.status)}, {"final_test_accuracy", c.finalAccuracy},
                         {"best_test_accuracy", c.bestAccuracy}, {"seconds", c.seconds}, {"error", c.error}});
    return {{"sweep", results.name}, {"out", results.folder}, {"points", points}, {"cells", cells},
            {"dense_test_accuracy", results.denseRuns > 0 ? nlohmann::json(results.denseAccuracy) : nlohmann::json()}};
}

} // namespace

int sweepCommand(const SweepOptions& options)
{
    namespace fs = std::filesystem;
    auto spec = core::loadSweepSpec(options.recipe, options.sets);
    core::selectSweepCells(spec, options.methods, options.sparsities, options.seeds);
    if (options.noSharedPretraining)
        spec.sharePretraining = false;
    const std::string out =
        options.out.empty() ? (fs::path("runs") / "sweeps" / fs::path(options.recipe).stem()).string() : options.out;
    core::SweepRunner runner(std::move(spec), out);
    if (options.summarizeOnly) {
        const auto results = runner.summarize();
        if (options.json)
            std::cout << resultsJson(results).dump(2) << "\n";
        else
            std::cout << pointTable(results) << results.finishedCells() << " of " << results.cells.size()
                      << " cells finished; wrote " << out << "/summary.csv, " << out << "/summary.h5\n";
        return 0;
    }

    installInterruptHandler();
    std::ostream& progress = options.json ? std::cerr : std::cout;
    ProgressPrinter printer(progress, isTerminal(options.json ? 2 : 1));
    bool stopSent = false;
    core::SweepHooks hooks;
    hooks.onLog = [&](const std::string& line) { printer.onLog(line); };
    hooks.onSnapshot = [&](const core::Snapshot& s) {
        if (interruptRequested() && !stopSent) {
            stopSent = true;
            printer.onLog("interrupted: stopping the running cell at its next safe point (Ctrl-C again to abort)");
            runner.stop();
        }
        printer.onSnapshot(s);
    };
    core::SweepResults results;
    try {
        results = runner.run(hooks);
    } catch (const core::Cancelled&) {
        printer.finish();
        std::cerr << "espalier-cli: sweep stopped; run the same command again to continue it from " << out << "\n";
        throw;
    }
    printer.finish();
    if (options.json)
        std::cout << resultsJson(results).dump(2) << "\n";
    else
        std::cout << "\n" << pointTable(results) << "wrote " << out << "/summary.csv, " << out << "/summary.h5\n";
    int failed = 0;
    for (const auto& c : results.cells) {
        if (c.status != core::CellStatus::Failed)
            continue;
        ++failed;
        std::cerr << "espalier-cli: cell " << c.name << " failed: " << c.error << "\n";
    }
    return failed > 0 ? 1 : 0;
}

} // namespace espalier::cli
