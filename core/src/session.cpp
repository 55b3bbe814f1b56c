#include "sessionimpl.h"

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


void Session::Impl::run()
{
    prepareTorchRuntime(recipe.threads);
    log(loadMessage + ", " + std::to_string(threads()) + " threads");
    update([](Snapshot& s) { s.state = SessionState::Running; });
    publish(true);
    safePoint();
    if (recipe.method == "imp" && impSettingsFrom(recipe.methodParams).rewindEpoch == 0)
        rewindState = moduleState(); // the original lottery ticket: rewind to initialisation
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
