// SweepRunner: runs the cells of a sweep into its folder, resumably (docs/sweeps.md).
#include "espalier/core/sweep.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "atomicfile.h"
#include "espalier/core/errors.h"
#include "espalier/core/session.h"
#include "sweepfiles.h"

namespace espalier::core {

namespace {

namespace fs = std::filesystem;

std::string join(const std::string& folder, const std::string& name) { return (fs::path(folder) / name).string(); }

void createFolder(const std::string& folder)
{
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw std::runtime_error("cannot create folder " + folder + ": " + ec.message());
}

// FNV-1a: a stable folder name for a pretraining recipe (std::hash may differ between builds).
std::string stableHash(const std::string& text)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return hex;
}

std::string sweepPercent(double fraction)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %%", fraction * 100.0);
    return text;
}

// Accuracies, sparsity and time of a finished cell, from its session's snapshot.
void fillOutcome(SweepCellResult& r, const Snapshot& s)
{
    r.achievedSparsity = s.sparsity;
    if (!s.rounds.empty()) {
        r.finalAccuracy = s.rounds.back().testAccuracy;
        r.bestAccuracy = s.rounds.back().bestTestAccuracy;
    }
    r.seconds = 0.0;
    for (const auto& e : s.epochs) {
        if (e.phase != "pretrain")
            continue;
        r.denseAccuracy = e.testAccuracy;
        r.seconds += e.seconds; // a shared pretraining counts for every cell that uses it
    }
    for (const auto& round : s.rounds)
        r.seconds += round.seconds;
}

// Holds DIR/sweep.lock for one run: two sweeps writing one folder would run cells twice and
// overwrite each other's summaries (a stopping sweep can take a while to let go).
class FolderLock {
public:
    explicit FolderLock(const std::string& folder) : m_path(join(folder, "sweep.lock"))
    {
        m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (m_fd < 0)
            throw std::runtime_error("cannot create " + m_path + ": " + std::strerror(errno));
        if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
            char owner[32] = {};
            const auto n = ::pread(m_fd, owner, sizeof owner - 1, 0);
            ::close(m_fd);
            throw InputError(folder + " is in use by another sweep (process " +
                             (n > 0 ? std::string(owner, std::size_t(n)) : std::string("unknown")) +
                             "); wait for it to stop or choose another output folder");
        }
        // The pid is only for the message above; the lock holds without it.
        const std::string pid = std::to_string(::getpid());
        if (::ftruncate(m_fd, 0) == 0)
            [[maybe_unused]] const auto written = ::pwrite(m_fd, pid.data(), pid.size(), 0);
    }
    ~FolderLock() { ::close(m_fd); }
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

private:
    std::string m_path;
    int m_fd = -1;
};

void notify(const SweepHooks& hooks, const SweepCellResult& cell, const SweepResults& results)
{
    if (hooks.onCellChanged)
        hooks.onCellChanged(cell, results);
}

void log(const SweepHooks& hooks, const std::string& line)
{
    if (hooks.onLog)
        hooks.onLog(line);
}

} // namespace

SweepRunner::SweepRunner(SweepSpec spec, std::string folder)
    : m_spec(std::move(spec)), m_folder(std::move(folder)), m_cells(planSweep(m_spec))
{
    for (const auto& cell : m_cells) {
        const auto saved = join(cellFolder(m_folder, cell.name), "recipe.json");
        if (!fs::exists(saved))
            continue;
        const auto difference = firstRecipeDifference(loadRecipeFile(saved), cell.recipe);
        if (!difference.empty())
            throw InputError(cellFolder(m_folder, cell.name) + " was run with a different " + difference +
                             "; choose another output folder or remove that cell's folder");
    }
}

SweepRunner::~SweepRunner() = default;

void SweepRunner::stop()
{
    m_stopped = true;
    std::lock_guard lock(m_sessionMutex);
    if (m_running)
        m_running->stop();
}

void SweepRunner::runRegistered(Session& session, const std::function<void()>& body)
{
    {
        std::lock_guard lock(m_sessionMutex);
        m_running = &session;
        if (m_stopped)
            session.stop();
    }
    try {
        body();
    } catch (...) {
        std::lock_guard lock(m_sessionMutex);
        m_running = nullptr;
        throw;
    }
    std::lock_guard lock(m_sessionMutex);
    m_running = nullptr;
}

SweepResults SweepRunner::recorded(bool withFailed) const
{
    SweepResults results;
    results.folder = m_folder;
    results.name = m_spec.name;
    for (const auto& m : m_spec.methods)
        results.methods.push_back(m.label);
    for (const auto& cell : m_cells) {
        SweepCellResult r;
        r.method = cell.method;
        r.sparsity = cell.sparsity;
        r.seed = cell.seed;
        r.name = cell.name;
        const auto record = readCellResult(join(cellFolder(m_folder, cell.name), "result.json"));
        if (record && (record->result.status == CellStatus::Done || withFailed))
            r = record->result;
        results.cells.push_back(r);
    }
    summarizeSweep(results);
    return results;
}

SweepResults SweepRunner::summarize()
{
    createFolder(m_folder);
    const FolderLock lock(m_folder);
    writeSweepPlan(m_folder, m_spec, m_cells);
    auto results = recorded(/*withFailed=*/true);
    writeSweepSummary(m_folder, results);
    return results;
}

SweepResults SweepRunner::run(const SweepHooks& hooks)
{
    createFolder(join(m_folder, "cells"));
    const FolderLock lock(m_folder);
    writeSweepPlan(m_folder, m_spec, m_cells);
    // Failed cells run again: the user may have fixed what failed.
    SweepResults results = recorded(/*withFailed=*/false);
    for (std::size_t i = 0; i < m_cells.size(); ++i) {
        const std::string position = "cell " + std::to_string(i + 1) + "/" + std::to_string(m_cells.size()) + " " +
                                     m_cells[i].name;
        if (results.cells[i].status == CellStatus::Done) {
            log(hooks, position + ": finished earlier, skipped");
            notify(hooks, results.cells[i], results);
            continue;
        }
        if (m_stopped)
            throw Cancelled();
        log(hooks, position + ": started");
        results.cells[i].status = CellStatus::Running;
        notify(hooks, results.cells[i], results);
        results.cells[i] = runCell(m_cells[i], hooks);
        const auto& r = results.cells[i];
        log(hooks, position + (r.status == CellStatus::Done
                                   ? ": done, final test accuracy " + sweepPercent(r.finalAccuracy) + " (best " +
                                         sweepPercent(r.bestAccuracy) + ") at " + sweepPercent(r.achievedSparsity) +
                                         " sparsity"
                                   : ": failed: " + r.error));
        summarizeSweep(results);
        writeSweepSummary(m_folder, results);
        notify(hooks, r, results);
    }
    writeSweepSummary(m_folder, results);
    return results;
}

SweepCellResult SweepRunner::runCell(const SweepCell& cell, const SweepHooks& hooks)
{
    const std::string dir = cellFolder(m_folder, cell.name);
    createFolder(dir);
    writeFileAtomically(join(dir, "recipe.json"), recipeToJson(cell.recipe));
    SweepCellResult r;
    r.method = cell.method;
    r.sparsity = cell.sparsity;
    r.seed = cell.seed;
    r.name = cell.name;
    r.status = CellStatus::Running;
    const std::string sessionPath = join(dir, "session.h5");
    const auto previous = readCellResult(join(dir, "result.json"));
    const bool restart = previous && previous->result.status == CellStatus::Failed;
    std::unique_ptr<Session> session;
    try {
        if (fs::exists(sessionPath) && !restart) {
            log(hooks, cell.name + ": continuing from " + sessionPath);
            session = Session::resume(sessionPath);
        } else if (m_spec.sharePretraining && cell.recipe.pretrain.epochs > 0) {
            session = Session::afterPretraining(pretrainedSession(cell.recipe, hooks), cell.recipe);
        } else {
            session = std::make_unique<Session>(cell.recipe);
        }
        SessionHooks sessionHooks;
        sessionHooks.autosavePath = sessionPath;
        sessionHooks.autosaveIntervalSeconds = 20.0; // a killed cell loses at most this much more
        sessionHooks.maxSnapshotHz = hooks.maxSnapshotHz;
        sessionHooks.onSnapshot = hooks.onSnapshot;
        sessionHooks.onLog = [&](const std::string& line) { log(hooks, cell.name + ": " + line); };
        runRegistered(*session, [&] { session->run(sessionHooks); });
        session->saveReport(join(dir, "report.h5"));
        session->saveMasks(join(dir, "masks.h5"));
        session->saveSparseCheckpoint(join(dir, "checkpoint.h5"));
        session->saveLayerCsv(join(dir, "layers.csv"));
        session->saveSession(sessionPath);
        fillOutcome(r, session->snapshot());
        r.status = CellStatus::Done;
    } catch (const Cancelled&) {
        // Keep the cell's progress: the rerun continues it from its last finished epoch.
        if (session) {
            try {
                session->saveSession(sessionPath);
            } catch (const std::exception& e) {
                log(hooks, cell.name + ": could not save the session: " + e.what());
            }
        }
        throw;
    } catch (const std::exception& e) {
        r.status = CellStatus::Failed;
        r.error = e.what();
    }
    writeCellResult(join(dir, "result.json"), r, cell.recipe);
    return r;
}

std::string SweepRunner::pretrainedSession(const Recipe& recipe, const SweepHooks& hooks)
{
    const Recipe dense = pretrainingRecipe(recipe);
    const std::string dir = join(join(m_folder, "pretrained"), stableHash(recipeToJson(dense)));
    const std::string done = join(dir, "session.h5");
    const std::string partial = join(dir, "pretraining.h5");
    const std::string recipePath = join(dir, "recipe.json");
    const bool same = fs::exists(recipePath) && firstRecipeDifference(loadRecipeFile(recipePath), dense).empty();
    if (same && fs::exists(done))
        return done;
    createFolder(dir);
    if (!same) {
        std::error_code ec;
        fs::remove(partial, ec);
        writeFileAtomically(recipePath, recipeToJson(dense));
    }
    log(hooks, "pretraining the dense model once for every cell that starts from it (" + dir + ")");
    auto session = fs::exists(partial) ? Session::resume(partial) : std::make_unique<Session>(dense);
    SessionHooks sessionHooks;
    sessionHooks.maxSnapshotHz = hooks.maxSnapshotHz;
    sessionHooks.onSnapshot = hooks.onSnapshot;
    sessionHooks.onLog = [&](const std::string& line) { log(hooks, "pretraining: " + line); };
    try {
        runRegistered(*session, [&] { session->pretrain(sessionHooks); });
    } catch (const Cancelled&) {
        try {
            session->saveSession(partial);
        } catch (const std::exception& e) {
            log(hooks, "could not save the pretraining: " + std::string(e.what()));
        }
        throw;
    }
    session->saveSession(done);
    std::error_code ec;
    fs::remove(partial, ec);
    return done;
}

} // namespace espalier::core
