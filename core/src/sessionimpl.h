#pragma once
// Session internals shared by session.cpp (public API, run loop), sessionrounds.cpp (pruning rounds,
// ESPN discovery) and sessiontraining.cpp (training phases). Only those files include it.

#include "espalier/core/session.h"
#include "espalier/core/layertensors.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <sstream>

#include "channelgraph.h"
#include "connectivity.h"
#include "dataparallel.h"
#include "dataset.h"
#include "espalier/core/errors.h"
#include "espnmaskdiscovery.h"
#include "espnsettings.h"
#include "maskselection.h"
#include "maskset.h"
#include "methodparams.h"
#include "model.h"
#include "modelexport.h"
#include "modelimport.h"
#include "pruningpreview.h"
#include "sensitivityscan.h"
#include "runcontrol.h"
#include "saliencyhistogram.h"
#include "schedule.h"
#include "sessionfile.h"
#include "scoring.h"
#include "roundhistory.h"
#include "torchruntime.h"
#include "trainer.h"

namespace espalier::core {

using Clock = std::chrono::steady_clock;

inline std::vector<torch::Tensor> cloneTensors(const std::vector<torch::Tensor>& tensors)
{
    std::vector<torch::Tensor> out;
    for (const auto& t : tensors)
        out.push_back(t.defined() ? t.detach().clone() : t);
    return out;
}

/// Thrown at a safe point to unwind the run to the loop over rounds, which continues after `round`.
struct RollbackRequested {
    int round;
    bool keepRecipe; ///< a refused (blocked) round keeps the steering made since
};

/// Where a saved session continues: inside `phase` when it is set (the end of its latest epoch),
/// else the end of `round` (0 = after pretraining); with the recipe, snapshot and branch bookkeeping
/// of that moment. round -1 without a phase: nothing has run yet.
struct ResumePoint {
    int round = -1; ///< the last finished round
    std::optional<PhaseResume> phase;
    Recipe recipe;
    std::size_t appliedSteering = 0;
    Snapshot snapshot;
    int branch = 0;
    int branches = 0;
};

struct Session::Impl {
    Recipe recipe;              ///< with the steering applied so far
    const Recipe initialRecipe; ///< as the session was created
    DataBundle data;
    Model model;
    MaskSet masks;
    std::vector<std::int64_t> keptCache;
    std::vector<std::int64_t> keptChannelsCache; ///< weight rows with a kept weight (LayerStats::keptChannels)
    std::vector<std::int64_t> effectiveCache; ///< from the last connectivity check
    torch::Generator generator;
    RunControl control;
    SelectionConstraints constraints;
    std::vector<torch::Tensor> lastScores; ///< of the latest round, for histograms and score exports
    std::string loadMessage;
    std::vector<torch::Tensor> rewindState; ///< IMP: parameters and buffers to rewind survivors to

    // Steering and rollback (sessionsteering.cpp). The worker writes `recipe` under recipeMutex;
    // other threads read it only under that lock.
    mutable std::mutex recipeMutex;
    std::size_t appliedSteering = 0; ///< recipe.steering entries already in effect
    RoundHistory history{16, std::int64_t(2) << 30};
    std::vector<torch::Tensor> previousMasks; ///< before the last commit, for "changes since the last round"
    int roundsStarted = 0;
    int position = 0; ///< epochs along the current branch
    int branch = 0;
    int branches = 0; ///< branches created so far

    ResumePoint resumePoint;
    bool resumed = false; ///< loaded from session.h5: run() continues from resumePoint
    bool importModelFiles = true; ///< load() applies model.weights / model.masks
    std::optional<PhaseResume> resumeIn; ///< the phase run() continues inside, once
    std::int64_t gmpNextPruning = 0;     ///< GMP: index of the next pruning step of the round

    // Data-parallel runs (sessiondistributed.cpp): the group, from run() on.
    std::unique_ptr<DataParallel> parallel;
    void joinRanks(const DistributedSettings& settings);
    std::string agreeOnMasks(int round, std::vector<torch::Tensor>& next);
    void shareBatchNormStatistics();

    // The channel cut (sessionchannels.cpp): recipe.channels at the start of round 1.
    std::optional<ChannelGraph> channelGraph; ///< analysed at load when recipe.channels is set
    std::vector<std::int64_t> removedChannelClasses; ///< classes of channelGraph removed so far

    mutable std::mutex snapshotMutex;
    Snapshot current; // guarded by snapshotMutex
    const SessionHooks* hooks = nullptr;
    Clock::time_point lastSnapshot{};
    std::optional<Clock::time_point> lastAutosave; ///< hooks->autosaveIntervalSeconds apart

    Impl(Recipe r, bool importFiles)
        : recipe(r), initialRecipe(std::move(r)), generator(at::make_generator<at::CPUGeneratorImpl>(recipe.seed))
    {
        importModelFiles = importFiles;
    }

    int threads() const { return resolvedThreads(recipe.threads); }

    void load()
    {
        validateRecipe(recipe, "recipe");
        if (recipe.method == "imp" && impSettingsFrom(recipe.methodParams).rewindEpoch > recipe.pretrain.epochs)
            throw InputError("method_params.rewind_epoch (" + std::to_string(impSettingsFrom(recipe.methodParams).rewindEpoch) +
                             ") is past pretrain.epochs (" + std::to_string(recipe.pretrain.epochs) + ")");
        if (recipe.method == "gmp") {
            gmpSettingsFrom(recipe.methodParams);
            if (recipe.rounds != 1)
                throw InputError("rounds: gmp prunes gradually inside one training run; set rounds to 1");
            if (recipe.train.epochs < 1)
                throw InputError("train.epochs: gmp prunes while training; it needs at least 1 epoch");
        }
        if (!isEspnMethod(recipe.method) && recipe.method != "imp" && recipe.method != "gmp" && recipe.method != "none") {
            const auto& available = scoringMethods();
            if (std::find(available.begin(), available.end(), recipe.method) == available.end()) {
                std::string list;
                for (const auto& m : available)
                    list += (list.empty() ? "" : ", ") + m;
                // Before data loading and pretraining: a user must not wait 20 epochs for this.
                throw InputError("method: '" + recipe.method + "' is not available in this build (available: " + list +
                                 ", espn-finetune, espn-rewind, imp, gmp)");
            }
            checkMethodParams(recipe.method, recipe.methodParams);
        }
        if (isEspnMethod(recipe.method)) {
            espnSettingsFrom(recipe.methodParams, recipe.train.batch); // reject bad method_params before loading data
            if (recipe.rounds != 1)
                throw InputError("rounds: ESPN discovers its mask in one run of epochs; set rounds to 1 (got " +
                                 std::to_string(recipe.rounds) + ")");
        }
        prepareTorchRuntime(recipe.threads);
        torch::manual_seed(recipe.seed);
        data = loadData(recipe.data, recipe.seed);
        model = makeModel(recipe.model, data.sampleShape, data.numClasses);
        masks = MaskSet(findPrunableTensors(model.module, recipe.exclude));
        if (importModelFiles) // a resumed session takes its weights and masks from session.h5
            importModelState(recipe.model, model, masks); // model.weights, model.masks
        rebuildConstraints();
        prepareChannelCut();
        refreshKept();
        current.totalRounds = recipe.rounds;
        current.targetSparsity = recipe.targetSparsity;
        current.phase = "ready";
        current.layers = layerStats();
        updateCounts();
        loadMessage = "loaded " + model.name + " (" + std::to_string(masks.size()) + " prunable tensors, " +
                      std::to_string(masks.totalNumel()) + " prunable weights) and " + data.description;
    }

    void refreshKept()
    {
        keptCache.clear();
        keptChannelsCache.clear();
        for (std::size_t i = 0; i < masks.size(); ++i) {
            keptCache.push_back(masks.kept(i));
            const auto& m = masks.mask(i);
            keptChannelsCache.push_back(m.dim() >= 2 ? m.flatten(1).any(1).sum().item<std::int64_t>() : 0);
        }
        if (effectiveCache.size() != keptCache.size())
            effectiveCache = keptCache;
    }

    std::vector<LayerStats> layerStats() const
    {
        std::vector<LayerStats> layers;
        for (std::size_t i = 0; i < masks.size(); ++i) {
            LayerStats s;
            s.name = masks.tensors()[i].name;
            const auto sizes = masks.tensors()[i].weight.sizes();
            s.shape.assign(sizes.begin(), sizes.end());
            s.numel = masks.numel(i);
            s.kept = keptCache[i];
            s.channels = sizes.size() >= 2 ? sizes[0] : 0;
            s.keptChannels = keptChannelsCache[i];
            s.effectiveKept = effectiveCache[i];
            s.floor = constraints.floors[i];
            s.locked = constraints.locked[i];
            s.collapsed = s.kept == 0;
            layers.push_back(std::move(s));
        }
        return layers;
    }

    void log(const std::string& line) const
    {
        if (hooks && hooks->onLog)
            hooks->onLog(line);
    }

    void event(const std::string& text)
    {
        {
            std::lock_guard lock(snapshotMutex);
            current.events.push_back(text);
        }
        log(text);
    }

    // Kept counts and sparsity of `current` from the masks (caller holds snapshotMutex).
    void updateCounts()
    {
        current.prunableWeights = masks.totalNumel();
        current.keptWeights = 0;
        std::int64_t effective = 0;
        for (std::size_t i = 0; i < keptCache.size(); ++i) {
            current.layers[i].kept = keptCache[i];
            current.layers[i].keptChannels = keptChannelsCache[i];
            current.layers[i].channels = masks.mask(i).dim() >= 2 ? masks.mask(i).size(0) : 0;
            current.layers[i].effectiveKept = effectiveCache[i];
            current.layers[i].collapsed = keptCache[i] == 0;
            current.keptWeights += keptCache[i];
            effective += effectiveCache[i];
        }
        current.sparsity = 1.0 - double(current.keptWeights) / double(current.prunableWeights);
        current.effectiveSparsity = 1.0 - double(effective) / double(current.prunableWeights);
    }

    // Publishes the current state; batch-level updates are throttled to hooks->maxSnapshotHz.
    void publish(bool force)
    {
        const auto now = Clock::now();
        if (!force && hooks && hooks->maxSnapshotHz > 0 &&
            now - lastSnapshot < std::chrono::duration<double>(1.0 / hooks->maxSnapshotHz))
            return;
        lastSnapshot = now;
        Snapshot copy;
        {
            std::lock_guard lock(snapshotMutex);
            updateCounts();
            copy = current;
        }
        if (hooks && hooks->onSnapshot)
            hooks->onSnapshot(copy);
    }

    template <typename F>
    void update(F&& change)
    {
        std::lock_guard lock(snapshotMutex);
        change(current);
    }

    // After every optimizer step: progress into the snapshot, a throttled publish, a safe point.
    void batchFinished(const BatchProgress& p)
    {
        update([&](Snapshot& s) {
            s.batch = p.batch;
            s.totalBatches = p.totalBatches;
            s.runningLoss = p.runningLoss;
        });
        publish(false);
        safePoint();
    }

    void safePoint()
    {
        control.checkpoint([this](bool paused) {
            update([&](Snapshot& s) { s.state = paused ? SessionState::Paused : SessionState::Running; });
            log(paused ? "paused" : "resumed");
            publish(true);
        });
    }

    void rebuildConstraints();
    /// Throws InputError when `change` cannot apply to `base` (bad value, unknown layer, a method
    /// switch the session cannot make).
    void checkSteering(const SteeringChange& change, const Recipe& base) const;
    /// Puts `change` into effect; `live` changes are also appended to recipe.steering.
    void applySteering(SteeringChange change, bool live);
    /// Applies the recipe's steering entries for rounds up to `round` not yet in effect.
    void applyRecipeSteering(int round);
    void saveRoundState(int round);
    /// Continues from the end of `round`; returns `round`.
    int restoreRoundState(int round, bool keepRecipe);
    void annotate(int round, const std::string& text);
    /// The resume point is now the end of `round`; autosaves session.h5 when the hooks ask for it.
    void markResumePoint(int round);
    /// The resume point is now the end of a training epoch: `nextEpoch` epochs of the phase done.
    void markPhasePoint(const std::string& phase, int round, int nextEpoch, std::int64_t steps,
                        const RoundRecord* record, const Trainer& trainer);
    /// Copies the recipe, steering, branch and snapshot of this moment into resumePoint.
    void captureResumeBookkeeping();
    [[nodiscard]] RoundState currentState(int round) const;
    /// Puts the weights, masks, scores and random state of `state` into effect (rollback, resume).
    void applyState(const RoundState& state);
    /// session.h5 at the resume point, with the steering made since it.
    [[nodiscard]] SessionFile sessionFile() const;
    /// Takes over the state of a loaded session file (after load(), before run()).
    /// With `replacement`, the session goes on with that recipe instead of the file's (afterPretraining).
    void resumeFrom(const SessionFile& file, const std::string& path, const std::vector<std::string>& overrides,
                    const Recipe* replacement = nullptr);
    [[nodiscard]] LayerTensors copyLayerTensors(const std::string& name) const;
    /// Scores for the next round of the current recipe (not ESPN/GMP); `rng` is the generator to draw from.
    std::vector<torch::Tensor> roundScores(torch::Generator& rng);
    void previewThresholds();
    /// Session::requestPreview at a safe point; a failure is logged, never thrown into the run.
    void previewAccuracy(const std::string& method, double sparsity);
    /// Session::requestSensitivityScan at a safe point; failures and cancellation end up in the snapshot.
    void scanLayers(const SensitivitySettings& settings);
    /// Session::requestDeploymentMeasurement (sessiondeployment.cpp): measures a copy, publishes it.
    void measureDeployment(const std::vector<std::int64_t>& batches, int repeats);
    std::atomic<bool> scanCancel{false};
    /// collapse_policy "block": fails the session, or in an interactive one goes back to the state
    /// before `round` and pauses there.
    [[noreturn]] void refuseRound(int round, const std::string& message);
    void warnCollapse(int round, const std::string& layer, const std::string& action, const std::string& message);

    /// At load: analyses the channel dependencies; InputError when channels.method cannot prune this model.
    void prepareChannelCut();
    /// Scores and removes channels (recipe.channels): masks lose the producer rows and consumer
    /// columns, biases and BatchNorm entries are held at zero. Returns the event text.
    std::string cutChannels(int round);
    /// Holds removedChannelClasses' biases and BatchNorm entries at zero (after a cut, rollback, resume).
    void holdRemovedChannels();
    /// slimming: λ·sign(γ) added to the BatchNorm γ gradients of the prunable channels.
    [[nodiscard]] std::vector<torch::Tensor> slimmingPenaltyTensors() const;

    std::unique_ptr<EspnMaskDiscovery> discoverEspnMask(int round, double density);
    /// Called after every optimizer step of a phase with the phase's step count (1-based).
    using StepHook = std::function<void(Trainer&, std::int64_t step)>;
    /// Trains epochs [startEpoch, settings.epochs); `resumeIn` continues a phase saved in session.h5.
    EpochRecord trainPhase(const std::string& phase, int round, const TrainSettings& settings, RoundRecord* roundRecord,
                           int startEpoch = 0, const StepHook& onStep = {}, const PhaseResume* resumeIn = nullptr);
    std::vector<torch::Tensor> moduleState() const;
    void restoreModuleState(const std::vector<torch::Tensor>& state);
    void pruneGradually(int round, const TrainSettings& settings, RoundRecord& record, const PhaseResume* resumeIn);
    /// Selects masks from `scores`, checks for layer collapse (per collapse_policy), applies them.
    /// Returns the layers left empty.
    std::vector<std::string> commitMasks(int round, const std::vector<torch::Tensor>& scores, double density,
                                         EspnMaskDiscovery* espn, RoundRecord& record);
    std::vector<torch::Tensor> magnitudeScores() const;
    /// Runs round `round`; with `resumeIn`, continues its training where session.h5 left it.
    void pruneRound(int round, const PhaseResume* resumeIn = nullptr);
    /// Pretraining and every round, or with `pretrainOnly` just the pretraining.
    void run(bool pretrainOnly);
    /// run() with `runHooks` installed; a failure leaves the snapshot Stopped or Failed.
    void runGuarded(const SessionHooks& runHooks, bool pretrainOnly);
};

} // namespace espalier::core
