#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "espalier/core/distributed.h"
#include "espalier/core/layertensors.h"
#include "espalier/core/recipe.h"
#include "espalier/core/saverequest.h"
#include "espalier/core/sensitivity.h"
#include "espalier/core/snapshot.h"

namespace espalier::core {

/// Observers of a running session. Called on the thread that runs Session::run.
struct SessionHooks {
    /// Called at safe points, at most `maxSnapshotHz` times a second (always at round/epoch ends).
    std::function<void(const Snapshot&)> onSnapshot;
    /// Human-readable progress lines ("round 1/1: sparsity 98.00 %, test accuracy 86.1 %").
    std::function<void(const std::string&)> onLog;
    double maxSnapshotHz = 20.0;
    /// Receives the copies asked for with Session::requestLayerTensors.
    std::function<void(const LayerTensors&)> onLayerTensors;
    /// A window is steering: collapse_policy "block" refuses the round and pauses before it (so the
    /// user can lower the target or set floors) instead of failing the session.
    bool interactive = false;
    /// Receives the outcome of each Session::requestSave.
    std::function<void(const SaveResult&)> onSaved;
    /// When set, session.h5 is written here at the end of every round and after a rollback; a
    /// failed write is a warning event and never stops the session.
    std::string autosavePath;
    /// Autosaves at most this often: a round end closer than this to the last autosave is skipped
    /// (SynFlow's 100 quick rounds would otherwise spend most of their time writing). 0 = every round.
    double autosaveIntervalSeconds = 0.0;
    /// False skips the test (and validation) evaluation after every round but the last one when
    /// the round trained no epoch; those round records carry NaN accuracies. `espalier-cli score`
    /// sets it: SynFlow's 100 untrained rounds would otherwise evaluate the test set 100 times.
    bool evaluateUntrainedRounds = true;
    /// A data-parallel run when worldSize > 1: run() meets the other ranks first, every rank must
    /// run the same recipe, and only rank 0 should write files (the caller's part).
    DistributedSettings distributed;
};

/// `recipe` reduced to what the dense pretraining depends on (model, data, pretrain settings,
/// seed, threads, exclusions, and IMP's rewind point, which pretraining records): two recipes
/// with equal pretraining recipes pretrain bit for bit alike, so one pretrained model serves both.
Recipe pretrainingRecipe(const Recipe& recipe);

/// A pruning session: model + data + method + schedule + training settings (a Recipe).
/// Synchronous and Qt-free. run() executes on the caller's thread; the command methods (pause,
/// resume, step, stop) are thread-safe and take effect at the next safe point (between batches).
class Session {
public:
    /// Loads model and data and validates the recipe; throws InputError naming the bad input.
    explicit Session(Recipe recipe);
    /// Loads a session saved in session.h5 (saveSession, or the autosave) so that run() continues
    /// it from its last finished training epoch (or round), exactly as the uninterrupted session
    /// would have gone on. `overrides` ("key=value", as for recipes) apply to its recipe, e.g. data.root or
    /// threads. Throws InputError naming the file and the key or tensor that does not fit.
    static std::unique_ptr<Session> resume(const std::string& sessionPath,
                                           const std::vector<std::string>& overrides = {});
    /// The recipe a session.h5 continues with (initial values plus steering), and where it
    /// continues ("after round 2"), without loading its tensors. Throws InputError like resume().
    static std::pair<Recipe, std::string> peekSessionFile(const std::string& sessionPath);
    /// A new session with `recipe` that starts after the pretraining saved in `pretrainedSession`
    /// (a session.h5 written by saveSession after pretrain()), exactly as if it had pretrained
    /// itself: weights, random state and the pretraining records come from the file. The file's
    /// recipe must agree with `recipe` on everything pretraining depends on (pretrainingRecipe);
    /// InputError names the file and the first key that differs.
    static std::unique_ptr<Session> afterPretraining(const std::string& pretrainedSession, Recipe recipe);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// Runs pretraining and every round. Throws Cancelled when stopped, InputError for bad input
    /// found late (e.g. a model whose output does not fit the data), std::exception otherwise.
    void run(const SessionHooks& hooks = {});
    /// Runs only the pretraining phase and stops after it (phase "pretrained"); saveSession then
    /// writes the file that afterPretraining starts sessions from. Throws like run().
    void pretrain(const SessionHooks& hooks = {});

    void pause();
    void resume();
    /// Runs until the end of the current round, then pauses.
    void step();
    void stop();

    /// Changes the target, method, schedule, locks or floors from the next round whose mask has not
    /// been chosen yet; takes effect at the next safe point (also while paused) and is recorded in
    /// currentRecipe().steering and as an annotation. Throws InputError at once, naming the field,
    /// when the change cannot apply.
    void steer(const SteeringChange& change);
    /// Goes back to the end of `round` (0 = after pretraining, before the first mask) at the next
    /// safe point and pauses there; what ran after it stays in the snapshot as an earlier branch.
    /// Throws InputError when the bounded history no longer holds that round.
    void rollback(int round);
    /// At the next safe point, scores the next round as it would be scored now and publishes each
    /// layer's would-be threshold in Snapshot::previewThresholds, without changing the session
    /// (weights, masks and random state are untouched). Not for ESPN and GMP, whose masks come from
    /// training: their preview stays empty.
    void requestThresholdPreview();
    /// What-if: at the next safe point (also while paused), prunes a copy of the model to `sparsity`
    /// with the scoring method `method`, evaluates it on the test set and appends the result to
    /// Snapshot::previewPoints. Weights, masks, optimizer and random state are untouched. Throws
    /// InputError at once for a method that cannot preview or a sparsity outside [0, 1).
    void requestPreview(const std::string& method, double sparsity);
    /// At the next safe point (also while paused), scans every layer at every sparsity of
    /// `settings` on a copy (core/sensitivity.h) and publishes progress and the table in
    /// Snapshot::sensitivity. The session waits while it scans; cancelSensitivityScan() or stop()
    /// end it early. The same model state scanned again comes from the cache at once.
    void requestSensitivityScan(const SensitivitySettings& settings);
    void cancelSensitivityScan();
    /// At the next safe point (also while paused), measures what deploying the model as it is now
    /// would cost (stored bytes, non-zero MACs, dense against sparse latency at `batches`; as
    /// `espalier-cli bench` does) on a copy, and publishes it in Snapshot::deployment. Throws
    /// InputError at once for a batch below 1 or repeats below 1.
    void requestDeploymentMeasurement(const std::vector<std::int64_t>& batches, int repeats = 20);
    /// The same, now; only while run() is not executing. The result is also in snapshot().
    DeploymentState measureDeployment(const std::vector<std::int64_t>& batches, int repeats = 20);
    /// Copies one prunable tensor at the next safe point and hands it to hooks.onLayerTensors.
    void requestLayerTensors(const std::string& name);
    /// Copies one prunable tensor now; only while run() is not executing. Throws InputError for an
    /// unknown name.
    [[nodiscard]] LayerTensors layerTensors(const std::string& name) const;

    /// The recipe as the session was created.
    [[nodiscard]] const Recipe& recipe() const;
    /// The initial recipe plus the steering so far (on the current branch) in `steering`:
    /// `espalier-cli run` on it replays this session.
    [[nodiscard]] Recipe currentRecipe() const;
    /// The settings in effect now (the initial recipe with the steering applied), for display.
    [[nodiscard]] Recipe effectiveRecipe() const;
    /// The latest snapshot (thread-safe copy).
    [[nodiscard]] Snapshot snapshot() const;

    /// TorchScript model with the masks folded in (loads in Python with torch.jit.load).
    void saveModel(const std::string& path) const;
    /// TorchScript of the smaller dense model: the channels the channel cut removed (recipe.channels)
    /// are gone from every tensor, the rest as saveModel writes it, so it computes the same outputs.
    /// Throws InputError when no channel has been removed yet.
    void saveSmallerModel(const std::string& path) const;
    /// HDF5 file with one uint8 dataset per prunable tensor under /masks/<parameter name>, and the
    /// last round's scores under /scores/<parameter name> when `withScores`.
    void saveMasks(const std::string& path, bool withScores = false) const;
    /// The report (report.h5) of the rounds recorded so far.
    void saveReport(const std::string& path) const;
    /// Compressed sparse checkpoint (checkpoint.h5): per prunable tensor a packed bitmask and the
    /// kept values, every other parameter and buffer dense; model.weights reads it back.
    void saveSparseCheckpoint(const std::string& path) const;
    /// layers.csv: one row of statistics per prunable tensor, in network order.
    void saveLayerCsv(const std::string& path) const;
    /// session.h5 (docs/formats.md): weights, masks, optimizer and random state, rollback history,
    /// records and recipe at the last finished training epoch (or round end), plus the steering made
    /// since. Session::resume continues from there. While run() executes use requestSave.
    void saveSession(const std::string& path) const;
    /// Writes one file now; only while run() is not executing. Throws like the save* functions.
    void save(const SaveRequest& request) const;
    /// Writes one file at the next safe point of the running session (also while paused) and hands
    /// the outcome to hooks.onSaved; a failed write never stops the session.
    void requestSave(SaveRequest request);

private:
    struct Impl;
    /// For resume(): `importModelFiles` false skips model.weights / model.masks, which the saved
    /// state replaces (the files need not exist any more).
    Session(Recipe recipe, bool importModelFiles);
    std::unique_ptr<Impl> m_impl;
};

} // namespace espalier::core
