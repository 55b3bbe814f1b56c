#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace espalier::core {

/// The session's command channel: pause, resume, step and stop requested from any thread, obeyed
/// by the running thread at its safe points. Stop is an atomic flag so it is seen even while the
/// run is blocked in a pause.
class RunControl {
public:
    void requestPause();
    void requestResume();
    /// Run on to the end of the current round, then pause (resumes first when paused).
    void requestStep();
    void requestStop();

    [[nodiscard]] bool stopRequested() const { return m_stop.load(); }

    /// Queues work for the running thread's next safe point (steering, rollback, tensor copies);
    /// it runs even while the session is paused. A task may throw to unwind the run.
    void post(std::function<void()> task);

    /// Safe point for the running thread: throws Cancelled after a stop; runs posted tasks; blocks
    /// while paused and calls `onPause(true)` when it starts waiting and `onPause(false)` when it resumes.
    void checkpoint(const std::function<void(bool paused)>& onPause);
    /// Called by the running thread when a round ends; turns a pending step into a pause.
    void roundFinished();

private:
    void runTasks(std::unique_lock<std::mutex>& lock);

    std::mutex m_mutex;
    std::vector<std::function<void()>> m_tasks;
    std::condition_variable m_wake;
    bool m_paused = false;
    bool m_pauseAfterRound = false;
    std::atomic<bool> m_stop{false};
};

} // namespace espalier::core
