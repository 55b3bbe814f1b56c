#include "sessionimpl.h"

#include "layercsv.h"
#include "sparsecheckpoint.h"

namespace espalier::core {

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


void Session::Impl::run(bool pretrainOnly)
{
    prepareTorchRuntime(recipe.threads);
    log(loadMessage + ", " + std::to_string(threads()) + " threads");
    if (hooks->distributed.distributed() && !parallel)
        joinRanks(hooks->distributed);
    update([](Snapshot& s) { s.state = SessionState::Running; });
    publish(true);
    safePoint();
    int round = resumePoint.round + 1;
    std::optional<PhaseResume> pending = std::move(resumeIn); // a session resumed inside a phase
    resumeIn.reset();
    if (!resumed || (pending && pending->phase == "pretrain")) {
        if (!resumed && recipe.method == "imp" && impSettingsFrom(recipe.methodParams).rewindEpoch == 0)
            rewindState = moduleState(); // the original lottery ticket: rewind to initialisation
        const auto in = std::move(pending);
        pending.reset();
        trainPhase("pretrain", 0, recipe.pretrain, nullptr, in ? in->nextEpoch : 0, {}, in ? &*in : nullptr);
        if (recipe.pretrain.epochs > 0)
            event("dense model trained for " + std::to_string(recipe.pretrain.epochs) + " epochs");
        saveRoundState(0);
        round = 1;
    }
    if (pretrainOnly) {
        update([](Snapshot& s) {
            s.state = SessionState::Finished;
            s.phase = "pretrained";
        });
        publish(true);
        return;
    }
    bool restored = false;
    for (;;) {
        try {
            if (restored) {
                restored = false;
                publish(true);
                safePoint(); // a rollback pauses here; the user resumes or steps from the restored round
            }
            applyRecipeSteering(round);
            if (round > recipe.rounds)
                break;
            const auto in = std::move(pending);
            pending.reset();
            pruneRound(round, in ? &*in : nullptr);
            ++round;
        } catch (const RollbackRequested& rollback) {
            round = restoreRoundState(rollback.round, rollback.keepRecipe) + 1;
            restored = true;
        }
    }
    update([](Snapshot& s) {
        s.state = SessionState::Finished;
        s.phase = "done";
    });
    publish(true);
}


Session::Session(Recipe recipe) : Session(std::move(recipe), true) {}

Session::Session(Recipe recipe, bool importModelFiles)
    : m_impl(std::make_unique<Impl>(std::move(recipe), importModelFiles))
{
    try {
        m_impl->load();
    } catch (const c10::Error& e) {
        throw std::runtime_error(e.what_without_backtrace());
    }
}

Session::~Session() = default;

void Session::Impl::runGuarded(const SessionHooks& runHooks, bool pretrainOnly)
{
    hooks = &runHooks;
    const auto finish = [this](SessionState state) {
        update([state](Snapshot& s) { s.state = state; });
        publish(true);
        hooks = nullptr;
    };
    try {
        run(pretrainOnly);
    } catch (const Cancelled&) {
        finish(SessionState::Stopped);
        throw;
    } catch (const c10::Error& e) {
        // LibTorch's messages carry a C++ backtrace that means nothing to a user.
        finish(SessionState::Failed);
        throw std::runtime_error(e.what_without_backtrace());
    } catch (...) {
        finish(SessionState::Failed);
        throw;
    }
    hooks = nullptr;
}

void Session::run(const SessionHooks& hooks) { m_impl->runGuarded(hooks, false); }

void Session::pretrain(const SessionHooks& hooks) { m_impl->runGuarded(hooks, true); }

void Session::steer(const SteeringChange& change)
{
    {
        std::lock_guard lock(m_impl->recipeMutex);
        m_impl->checkSteering(change, m_impl->recipe);
    }
    m_impl->control.post([impl = m_impl.get(), change] {
        // Checked again: another change may have landed in between.
        impl->checkSteering(change, impl->recipe);
        impl->applySteering(change, /*live=*/true);
    });
}

void Session::rollback(int round)
{
    const auto rounds = snapshot().rollbackRounds;
    if (std::find(rounds.begin(), rounds.end(), round) == rounds.end()) {
        std::string kept;
        for (int r : rounds)
            kept += (kept.empty() ? "" : ", ") + std::to_string(r);
        throw InputError("cannot roll back to round " + std::to_string(round) + ": the history keeps rounds " +
                         (kept.empty() ? "(none yet)" : kept));
    }
    m_impl->control.requestPause(); // the user continues from the restored round with Resume or Step
    m_impl->control.post([round] { throw RollbackRequested{round, /*keepRecipe=*/false}; });
}

void Session::requestThresholdPreview()
{
    m_impl->control.post([impl = m_impl.get()] { impl->previewThresholds(); });
}

void Session::requestPreview(const std::string& method, double sparsity)
{
    checkPreviewRequest(method, sparsity);
    m_impl->control.post([impl = m_impl.get(), method, sparsity] { impl->previewAccuracy(method, sparsity); });
}

void Session::requestSensitivityScan(const SensitivitySettings& settings)
{
    SensitivitySettings checked = settings;
    checkSensitivitySettings(checked);
    m_impl->scanCancel = false;
    m_impl->control.post([impl = m_impl.get(), settings] { impl->scanLayers(settings); });
}

void Session::cancelSensitivityScan()
{
    m_impl->scanCancel = true;
}

void Session::requestLayerTensors(const std::string& name)
{
    m_impl->control.post([impl = m_impl.get(), name] {
        const auto tensors = impl->copyLayerTensors(name);
        if (impl->hooks && impl->hooks->onLayerTensors)
            impl->hooks->onLayerTensors(tensors);
    });
}

LayerTensors Session::layerTensors(const std::string& name) const
{
    return m_impl->copyLayerTensors(name);
}

Recipe Session::currentRecipe() const
{
    // The initial values plus the list of changes: replaying applies each from its round.
    Recipe out = m_impl->initialRecipe;
    std::lock_guard lock(m_impl->recipeMutex);
    out.steering = m_impl->recipe.steering;
    return out;
}

Recipe Session::effectiveRecipe() const
{
    std::lock_guard lock(m_impl->recipeMutex);
    return m_impl->recipe;
}

void Session::pause() { m_impl->control.requestPause(); }
void Session::resume() { m_impl->control.requestResume(); }
void Session::step() { m_impl->control.requestStep(); }
void Session::stop()
{
    m_impl->scanCancel = true; // a running sensitivity scan ends first, then the run stops
    m_impl->control.requestStop();
}

const Recipe& Session::recipe() const { return m_impl->initialRecipe; }

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
    // The replayable recipe (initial + steering), not the one with the steering already folded in,
    // which `espalier-cli run` would steer a second time; the method attribute is the one in effect.
    writeSessionReport(currentRecipe(), effectiveRecipe().method, m_impl->model, m_impl->data, m_impl->masks,
                       snapshot(), path);
}

void Session::saveSparseCheckpoint(const std::string& path) const
{
    writeSparseCheckpoint(m_impl->model, m_impl->masks, path);
}

void Session::saveLayerCsv(const std::string& path) const
{
    auto layers = snapshot().layers;
    // Counted from the masks, as the report counts them, so that the two files always agree.
    for (std::size_t i = 0; i < layers.size() && i < m_impl->masks.size(); ++i) {
        layers[i].kept = m_impl->masks.kept(i);
        layers[i].collapsed = layers[i].kept == 0;
    }
    writeLayerCsv(path, layers);
}


const char* toString(SaveKind kind)
{
    switch (kind) {
    case SaveKind::Report: return "report";
    case SaveKind::Model: return "model";
    case SaveKind::Masks: return "masks";
    case SaveKind::SparseCheckpoint: return "sparse checkpoint";
    case SaveKind::LayerCsv: return "layer statistics";
    case SaveKind::Session: return "session";
    case SaveKind::SmallerModel: return "smaller model";
    }
    return "file";
}

void Session::save(const SaveRequest& request) const
{
    switch (request.kind) {
    case SaveKind::Report: saveReport(request.path); return;
    case SaveKind::Model: saveModel(request.path); return;
    case SaveKind::Masks: saveMasks(request.path, request.withScores); return;
    case SaveKind::SparseCheckpoint: saveSparseCheckpoint(request.path); return;
    case SaveKind::LayerCsv: saveLayerCsv(request.path); return;
    case SaveKind::Session: saveSession(request.path); return;
    case SaveKind::SmallerModel: saveSmallerModel(request.path); return;
    }
}

void Session::requestSave(SaveRequest request)
{
    m_impl->control.post([this, request = std::move(request)] {
        SaveResult result{request, {}};
        try {
            save(request);
        } catch (const c10::Error& e) {
            result.error = e.what_without_backtrace();
        } catch (const std::exception& e) {
            result.error = e.what();
        }
        if (m_impl->hooks && m_impl->hooks->onSaved)
            m_impl->hooks->onSaved(result);
    });
}

} // namespace espalier::core
