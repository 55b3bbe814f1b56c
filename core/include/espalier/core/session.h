#pragma once

#include <functional>
#include <memory>
#include <string>

#include "espalier/core/recipe.h"
#include "espalier/core/snapshot.h"

namespace espalier::core {

/// Observers of a running session. Called on the thread that runs Session::run.
struct SessionHooks {
    /// Called at safe points, at most `maxSnapshotHz` times a second (always at round/epoch ends).
    std::function<void(const Snapshot&)> onSnapshot;
    /// Human-readable progress lines ("round 1/1: sparsity 98.00 %, test accuracy 86.1 %").
    std::function<void(const std::string&)> onLog;
    double maxSnapshotHz = 20.0;
};

/// A pruning session: model + data + method + schedule + training settings (a Recipe).
/// Synchronous and Qt-free. run() executes on the caller's thread; the command methods (pause,
/// resume, step, stop) are thread-safe and take effect at the next safe point (between batches).
class Session {
public:
    /// Loads model and data and validates the recipe; throws InputError naming the bad input.
    explicit Session(Recipe recipe);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// Runs pretraining and every round. Throws Cancelled when stopped, InputError for bad input
    /// found late (e.g. a model whose output does not fit the data), std::exception otherwise.
    void run(const SessionHooks& hooks = {});

    void pause();
    void resume();
    /// Runs until the end of the current round, then pauses.
    void step();
    void stop();

    [[nodiscard]] const Recipe& recipe() const;
    /// The latest snapshot (thread-safe copy).
    [[nodiscard]] Snapshot snapshot() const;

    /// TorchScript model with the masks folded in (loads in Python with torch.jit.load).
    void saveModel(const std::string& path) const;
    /// HDF5 file with one uint8 dataset per prunable tensor under /masks/<parameter name>, and the
    /// last round's scores under /scores/<parameter name> when `withScores`.
    void saveMasks(const std::string& path, bool withScores = false) const;
    /// The report (report.h5) of the rounds recorded so far.
    void saveReport(const std::string& path) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace espalier::core
