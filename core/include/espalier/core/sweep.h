#pragma once
// Accuracy-vs-sparsity sweeps: one session per (method, sparsity, seed) cell, written to a sweep
// folder that a killed sweep resumes from and the window reopens (docs/sweeps.md).

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "espalier/core/recipe.h"
#include "espalier/core/snapshot.h"

namespace espalier::core {

class Session;

/// One curve of a sweep: a label ("espn-finetune", "magnitude") and the recipe its cells start from.
struct SweepMethod {
    std::string label;
    Recipe recipe; ///< target_sparsity and seed are replaced per cell
    /// Recipe overrides ("key=value") for one sparsity, e.g. ESPN's α per target.
    std::vector<std::pair<double, std::vector<std::string>>> bySparsity;
};

struct SweepSpec {
    std::string source; ///< the file it was read from (for messages)
    std::string name;   ///< shown in the window; defaults to the file's stem
    std::vector<SweepMethod> methods;
    std::vector<double> sparsities;
    std::vector<std::uint64_t> seeds{0};
    /// "key=value" overrides for every cell, applied last (the command line's --set).
    std::vector<std::string> overrides;
    /// Cells whose recipes pretrain alike (pretrainingRecipe) start from one pretrained model.
    bool sharePretraining = true;
};

/// Reads a sweep file (a JSON object with a "sweep" key; docs/sweeps.md) or a plain recipe (one
/// method, the recipe's own). `overrides` ("key=value") apply to every method's recipe. Throws
/// InputError naming the file and key.
SweepSpec loadSweepSpec(const std::string& path, const std::vector<std::string>& overrides = {});

/// Narrows `spec` for the command line: non-empty `methods` keeps those labels in that order (a
/// label the spec lacks is the first method's recipe with that method: "--methods snip,random" on a
/// plain recipe); non-empty `sparsities` / `seeds` replace the lists. Throws InputError for values
/// out of range.
void selectSweepCells(SweepSpec& spec, const std::vector<std::string>& methods,
                      const std::vector<double>& sparsities, const std::vector<std::uint64_t>& seeds);

struct SweepCell {
    std::string method; ///< the method's label
    double sparsity = 0.0;
    std::uint64_t seed = 0;
    std::string name; ///< its folder under cells/, e.g. "espn-finetune-99.6-seed0"
    Recipe recipe;    ///< what the cell runs
};

/// The cells of `spec`, seed by seed, sparsity by sparsity, method by method; each recipe is
/// validated (InputError names the cell and key).
std::vector<SweepCell> planSweep(const SweepSpec& spec);

enum class CellStatus { Pending, Running, Done, Failed };
const char* toString(CellStatus status);

struct SweepCellResult {
    std::string method;
    double sparsity = 0.0; ///< the target
    std::uint64_t seed = 0;
    std::string name;
    CellStatus status = CellStatus::Pending;
    double achievedSparsity = std::numeric_limits<double>::quiet_NaN();
    double finalAccuracy = std::numeric_limits<double>::quiet_NaN(); ///< after the last epoch
    double bestAccuracy = std::numeric_limits<double>::quiet_NaN();  ///< best epoch after the last round
    double denseAccuracy = std::numeric_limits<double>::quiet_NaN(); ///< last pretraining epoch, if any
    double seconds = 0.0; ///< wall-clock time of the cell (its share of pretraining included)
    std::string error;    ///< why a Failed cell failed
};

/// Mean and spread over the seeds of one (method, sparsity) point.
struct SweepPoint {
    std::string method;
    double sparsity = 0.0;
    int runs = 0; ///< finished cells
    double finalMean = 0.0;
    double finalSpread = 0.0; ///< sample standard deviation (n − 1); 0 for one run
    double bestMean = 0.0;
    double bestSpread = 0.0;
    double achievedSparsity = 0.0; ///< mean
    double secondsMean = 0.0;
};

struct SweepResults {
    std::string folder;
    std::string name;
    std::vector<std::string> methods; ///< labels in sweep order
    std::vector<SweepCellResult> cells; ///< every planned cell, pending ones included
    std::vector<SweepPoint> points;     ///< finished cells, by method then sparsity
    double denseAccuracy = std::numeric_limits<double>::quiet_NaN(); ///< mean over pretrained cells
    double denseSpread = 0.0;
    int denseRuns = 0;

    [[nodiscard]] int finishedCells() const;
};

/// Mean and spread of `cells` (the finished ones) per (method, sparsity), and the dense baseline.
void summarizeSweep(SweepResults& results);

/// Reads a sweep folder written by SweepRunner (sweep.json and cells/*/result.json). Throws
/// InputError naming the folder or file when it is not a sweep folder or a file is damaged.
SweepResults openSweepFolder(const std::string& folder);

/// Observers of a running sweep, called on the thread that runs SweepRunner::run.
struct SweepHooks {
    /// A cell started, finished, failed or was found finished already; `results` is the whole sweep.
    std::function<void(const SweepCellResult& cell, const SweepResults& results)> onCellChanged;
    std::function<void(const std::string&)> onLog;
    /// Progress of the session running now (throttled to maxSnapshotHz).
    std::function<void(const Snapshot&)> onSnapshot;
    double maxSnapshotHz = 4.0;
};

/// Runs the cells of a sweep into a folder: cells/<name>/ holds each cell's recipe.json,
/// report.h5, masks.h5, checkpoint.h5, layers.csv, session.h5 and result.json (written last);
/// pretrained/ holds the shared dense models; summary.csv and summary.h5 are rewritten after every
/// cell. A rerun skips finished cells and continues a cell cut short from its session.h5.
class SweepRunner {
public:
    /// Plans the cells (InputError for a bad recipe) and checks that `folder` holds no cell run
    /// with a different recipe (InputError names the cell and the key that differs).
    SweepRunner(SweepSpec spec, std::string folder);
    ~SweepRunner();

    [[nodiscard]] const std::vector<SweepCell>& cells() const { return m_cells; }
    [[nodiscard]] const std::string& folder() const { return m_folder; }

    /// Runs every unfinished cell. A failing cell is recorded as Failed and the sweep goes on.
    /// Throws Cancelled after stop() (the running cell keeps its session.h5 for the rerun),
    /// InputError when another sweep is running in the folder (DIR/sweep.lock), and
    /// std::runtime_error when the folder cannot be written.
    SweepResults run(const SweepHooks& hooks = {});
    /// Thread-safe: stops the running cell at its next safe point.
    void stop();
    /// Writes the plan and the summary of the cells finished so far and runs none: for cells run
    /// elsewhere (other processes or machines) and copied into cells/. Throws like run().
    SweepResults summarize();

private:
    /// Runs one cell into cells/<name>/ and returns its outcome (Failed with the error unless stopped).
    SweepCellResult runCell(const SweepCell& cell, const SweepHooks& hooks);
    /// session.h5 of the dense pretraining `recipe` asks for, run first if no cell ran it yet.
    std::string pretrainedSession(const Recipe& recipe, const SweepHooks& hooks);
    /// The plan with the outcome each cell's result.json records (Done only, or Failed too).
    [[nodiscard]] SweepResults recorded(bool withFailed) const;
    /// Calls `body` with `session` registered for stop().
    void runRegistered(Session& session, const std::function<void()>& body);

    SweepSpec m_spec;
    std::string m_folder;
    std::vector<SweepCell> m_cells;
    std::atomic<bool> m_stopped{false};
    std::mutex m_sessionMutex;
    Session* m_running = nullptr; ///< guarded by m_sessionMutex
};

} // namespace espalier::core
