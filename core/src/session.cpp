#include "espalier/core/session.h"

#include <chrono>
#include <mutex>
#include <sstream>

#include "dataset.h"
#include "espalier/core/errors.h"
#include "espnmaskdiscovery.h"
#include "espnsettings.h"
#include "maskselection.h"
#include "maskset.h"
#include "model.h"
#include "modelexport.h"
#include "runcontrol.h"
#include "saliencyhistogram.h"
#include "schedule.h"
#include "scoring.h"
#include "torchruntime.h"
#include "trainer.h"

namespace espalier::core {

using Clock = std::chrono::steady_clock;

const char* toString(SessionState state)
{
    switch (state) {
    case SessionState::Idle: return "idle";
    case SessionState::Running: return "running";
    case SessionState::Paused: return "paused";
    case SessionState::Finished: return "finished";
    case SessionState::Stopped: return "stopped";
    case SessionState::Failed: return "failed";
    }
    return "unknown";
}

struct Session::Impl {
    Recipe recipe;
    DataBundle data;
    Model model;
    MaskSet masks;
    std::vector<std::int64_t> keptCache;
    torch::Generator generator;
    RunControl control;
    SelectionConstraints constraints;
    std::vector<torch::Tensor> lastScores; ///< of the latest round, for histograms and score exports
    std::string loadMessage;

    mutable std::mutex snapshotMutex;
    Snapshot current; // guarded by snapshotMutex
    const SessionHooks* hooks = nullptr;
    Clock::time_point lastSnapshot{};

    explicit Impl(Recipe r) : recipe(std::move(r)), generator(at::make_generator<at::CPUGeneratorImpl>(recipe.seed)) {}

    int threads() const { return resolvedThreads(recipe.threads); }

    void load()
    {
        validateRecipe(recipe, "recipe");
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
        constraints.locked.assign(masks.size(), false);
        constraints.floors.assign(masks.size(), 0.0);
        constraints.keepOnePerLayer = recipe.collapsePolicy == "clamp";
        for (const auto& lock : recipe.locks)
            for (auto i : matchLayers(masks.tensors(), lock, "locks"))
                constraints.locked[i] = true;
        for (const auto& [pattern, floor] : recipe.floors)
            for (auto i : matchLayers(masks.tensors(), pattern, "floors." + pattern))
                constraints.floors[i] = floor;
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
        for (std::size_t i = 0; i < masks.size(); ++i)
            keptCache.push_back(masks.kept(i));
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
        for (std::size_t i = 0; i < keptCache.size(); ++i) {
            current.layers[i].kept = keptCache[i];
            current.layers[i].collapsed = keptCache[i] == 0;
            current.keptWeights += keptCache[i];
        }
        current.sparsity = 1.0 - double(current.keptWeights) / double(current.prunableWeights);
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

    void safePoint()
    {
        control.checkpoint([this](bool paused) {
            update([&](Snapshot& s) { s.state = paused ? SessionState::Paused : SessionState::Running; });
            log(paused ? "paused" : "resumed");
            publish(true);
        });
    }

    std::unique_ptr<EspnMaskDiscovery> discoverEspnMask(int round, double density);
    EpochRecord trainPhase(const std::string& phase, int round, const TrainSettings& settings, RoundRecord* roundRecord);
    void pruneRound(int round);
    void run();
};

EpochRecord Session::Impl::trainPhase(const std::string& phase, int round, const TrainSettings& settings,
                                      RoundRecord* roundRecord)
{
    EpochRecord last;
    if (settings.epochs <= 0)
        return last;
    Trainer trainer(model, masks, settings);
    trainer.onMasksChanged();
    update([&](Snapshot& s) {
        s.phase = phase;
        s.totalEpochs = settings.epochs;
    });
    for (int epoch = 0; epoch < settings.epochs; ++epoch) {
        update([&](Snapshot& s) { s.epoch = epoch + 1; });
        const auto stats = trainer.trainEpoch(epoch, data.train, generator, [&](const BatchProgress& p) {
            update([&](Snapshot& s) {
                s.batch = p.batch;
                s.totalBatches = p.totalBatches;
                s.runningLoss = p.runningLoss;
            });
            publish(false);
            safePoint();
        });
        const auto test = evaluate(model, data.test);
        EpochRecord record{phase, round, epoch + 1, trainer.learningRate(epoch), stats.loss, stats.accuracy,
                           test.loss, test.accuracy};
        if (data.validation.size() > 0)
            record.validationAccuracy = evaluate(model, data.validation).accuracy;
        record.sparsity = masks.sparsity();
        record.seconds = stats.seconds;
        record.samplesPerSecond = stats.samplesPerSecond;
        std::int64_t drift = 0;
        for (std::size_t i = 0; i < masks.size(); ++i)
            drift += masks.drift(i);
        if (drift > 0)
            event("mask drift: " + std::to_string(drift) + " masked weights are non-zero after " + phase + " epoch " +
                  std::to_string(epoch + 1));
        update([&](Snapshot& s) { s.epochs.push_back(record); });
        if (roundRecord) {
            roundRecord->bestTestAccuracy = std::max(roundRecord->bestTestAccuracy, test.accuracy);
            roundRecord->trainLoss = stats.loss;
        }
        std::ostringstream line;
        line.setf(std::ios::fixed);
        line.precision(4);
        line << phase << " epoch " << epoch + 1 << "/" << settings.epochs << ": loss " << stats.loss;
        line.precision(2);
        line << ", test accuracy " << 100.0 * test.accuracy << " %, " << stats.samplesPerSecond << " samples/s";
        log(line.str());
        last = record;
        publish(true);
        safePoint();
    }
    return last;
}

std::unique_ptr<EspnMaskDiscovery> Session::Impl::discoverEspnMask(int round, double density)
{
    const auto settings = espnSettingsFrom(recipe.methodParams, recipe.train.batch);
    auto espn = std::make_unique<EspnMaskDiscovery>(model, masks, settings);
    const std::int64_t target = keepCount(density, espn->totalEntries());
    update([&](Snapshot& s) {
        s.phase = "mask";
        s.totalEpochs = settings.maxEpochs;
    });
    for (int epoch = 1; epoch <= settings.maxEpochs; ++epoch) {
        update([&](Snapshot& s) { s.epoch = epoch; });
        const auto result = espn->trainEpoch(data.train, generator, [&](const BatchProgress& p) {
            update([&](Snapshot& s) {
                s.batch = p.batch;
                s.totalBatches = p.totalBatches;
                s.runningLoss = p.runningLoss;
            });
            publish(false);
            safePoint();
        });
        const auto test = espn->evaluateMasked(data.test);
        EpochRecord record{"mask", round, epoch, settings.maskLr, result.stats.loss, result.stats.accuracy,
                           test.loss, test.accuracy};
        // The sparsity a mask-discovery epoch implies: entries of c at or below τ.
        record.sparsity = 1.0 - double(result.alive) / double(espn->totalEntries());
        record.seconds = result.stats.seconds;
        record.samplesPerSecond = result.stats.samplesPerSecond;
        update([&](Snapshot& s) { s.epochs.push_back(record); });
        std::ostringstream line;
        line.setf(std::ios::fixed);
        line.precision(2);
        line << "mask epoch " << epoch << ": " << result.alive << " of " << espn->totalEntries() << " c > tau (implied "
             << 100.0 * record.sparsity << " % sparsity, target " << 100.0 * (1.0 - density)
             << " %), test accuracy of W*c " << 100.0 * test.accuracy << " %";
        log(line.str());
        publish(true);
        safePoint();
        if (result.alive <= target) {
            event("ESPN mask found after " + std::to_string(epoch) + " mask epochs");
            return espn;
        }
    }
    event("warning: ESPN reached max_mask_epochs (" + std::to_string(settings.maxEpochs) +
          ") before the count of c > tau fell to the target; the mask is the top-k of |c| anyway");
    return espn;
}

void Session::Impl::pruneRound(int round)
{
    const auto start = Clock::now();
    const double density = scheduledDensity(recipe.schedule, round, recipe.rounds, 1.0 - recipe.targetSparsity);
    update([&](Snapshot& s) {
        s.phase = "scoring";
        s.round = round;
    });
    publish(true);

    std::unique_ptr<EspnMaskDiscovery> espn;
    std::vector<torch::Tensor> scores;
    if (isEspnMethod(recipe.method)) {
        espn = discoverEspnMask(round, density);
        scores = espn->scores();
    } else {
        ScoringContext context{model, masks, data.train, recipe.scoring, generator, recipe.methodParams};
        scores = computeScores(recipe.method, context);
    }
    lastScores = scores;
    std::vector<std::string> names;
    for (const auto& t : masks.tensors())
        names.push_back(t.name);
    auto next = selectMasks(scores, masks.masks(), density, recipe.allocation == "global", constraints, names);

    // Dry run: a layer left with no weight while others keep some is layer collapse.
    std::vector<std::string> collapsed;
    std::int64_t keptTotal = 0;
    for (std::size_t i = 0; i < next.size(); ++i) {
        const auto k = next[i].sum().item<std::int64_t>();
        keptTotal += k;
        if (k == 0)
            collapsed.push_back(names[i]);
    }
    if (!collapsed.empty() && keptTotal > 0) {
        std::string list;
        for (const auto& n : collapsed)
            list += (list.empty() ? "" : ", ") + n;
        if (recipe.collapsePolicy == "block")
            throw InputError("round " + std::to_string(round) + " would prune every weight of " + list +
                             " (layer collapse); collapse_policy \"block\" stopped it — set floors, use layerwise "
                             "allocation or collapse_policy \"clamp\"");
        event("warning: layer collapse in round " + std::to_string(round) + ": " + list);
    }
    if (espn && recipe.method == "espn-finetune")
        espn->foldInto(model, masks); // ESPN-Rewind keeps the warm-up weights instead
    masks.setMasks(std::move(next));
    masks.applyToWeights();
    refreshKept();

    auto layers = layerStats();
    for (std::size_t i = 0; i < layers.size(); ++i)
        layers[i].histogram = makeSaliencyHistogram(scores[i], masks.mask(i));
    update([&](Snapshot& s) { s.layers = std::move(layers); });
    std::ostringstream line;
    line.setf(std::ios::fixed);
    line.precision(2);
    line << "round " << round << "/" << recipe.rounds << ": " << recipe.method << " pruned to "
         << 100.0 * masks.sparsity() << " % sparsity (target " << 100.0 * (1.0 - density) << " %)";
    event(line.str());
    publish(true);

    RoundRecord record;
    record.round = round;
    record.targetSparsity = 1.0 - density;
    record.sparsity = masks.sparsity();
    record.collapsedLayers = int(collapsed.size());
    TrainSettings settings = recipe.train;
    if (round != recipe.rounds)
        settings.epochs = recipe.roundEpochs;
    trainPhase(round == recipe.rounds ? "finetune" : "round", round, settings, &record);
    const auto test = evaluate(model, data.test);
    record.testAccuracy = test.accuracy;
    record.testLoss = test.loss;
    record.bestTestAccuracy = std::max(record.bestTestAccuracy, test.accuracy);
    if (data.validation.size() > 0)
        record.validationAccuracy = evaluate(model, data.validation).accuracy;
    record.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    update([&](Snapshot& s) { s.rounds.push_back(record); });
    publish(true);
    control.roundFinished();
    safePoint();
}

void Session::Impl::run()
{
    prepareTorchRuntime(recipe.threads);
    log(loadMessage + ", " + std::to_string(threads()) + " threads");
    update([](Snapshot& s) { s.state = SessionState::Running; });
    publish(true);
    safePoint();
    trainPhase("pretrain", 0, recipe.pretrain, nullptr);
    if (recipe.pretrain.epochs > 0)
        event("dense model trained for " + std::to_string(recipe.pretrain.epochs) + " epochs");
    for (int round = 1; round <= recipe.rounds; ++round)
        pruneRound(round);
    update([](Snapshot& s) {
        s.state = SessionState::Finished;
        s.phase = "done";
    });
    publish(true);
}

Session::Session(Recipe recipe) : m_impl(std::make_unique<Impl>(std::move(recipe)))
{
    try {
        m_impl->load();
    } catch (const c10::Error& e) {
        throw std::runtime_error(e.what_without_backtrace());
    }
}

Session::~Session() = default;

void Session::run(const SessionHooks& hooks)
{
    m_impl->hooks = &hooks;
    try {
        m_impl->run();
    } catch (const Cancelled&) {
        m_impl->update([](Snapshot& s) { s.state = SessionState::Stopped; });
        m_impl->publish(true);
        m_impl->hooks = nullptr;
        throw;
    } catch (const c10::Error& e) {
        // LibTorch's messages carry a C++ backtrace that means nothing to a user.
        m_impl->update([](Snapshot& s) { s.state = SessionState::Failed; });
        m_impl->publish(true);
        m_impl->hooks = nullptr;
        throw std::runtime_error(e.what_without_backtrace());
    } catch (...) {
        m_impl->update([](Snapshot& s) { s.state = SessionState::Failed; });
        m_impl->publish(true);
        m_impl->hooks = nullptr;
        throw;
    }
    m_impl->hooks = nullptr;
}

void Session::pause() { m_impl->control.requestPause(); }
void Session::resume() { m_impl->control.requestResume(); }
void Session::step() { m_impl->control.requestStep(); }
void Session::stop() { m_impl->control.requestStop(); }

const Recipe& Session::recipe() const { return m_impl->recipe; }

Snapshot Session::snapshot() const
{
    std::lock_guard lock(m_impl->snapshotMutex);
    return m_impl->current;
}

void Session::saveModel(const std::string& path) const
{
    saveTorchScript(m_impl->model, path);
}

void Session::saveMasks(const std::string& path, bool withScores) const
{
    writeMasks(m_impl->masks, withScores ? m_impl->lastScores : std::vector<torch::Tensor>{}, path);
}

void Session::saveReport(const std::string& path) const
{
    writeSessionReport(m_impl->recipe, m_impl->model, m_impl->data, m_impl->masks, snapshot(), path);
}

} // namespace espalier::core
