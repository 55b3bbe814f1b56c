#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "espalier/core/session.h"

namespace espalier::cli {

/// Lets a workbench watch and steer a CLI run (File ▸ Attach to run…): keeps the session's
/// latest snapshot in DIR/live.json (at most 4 times a second, and at every change of state,
/// round or epoch; the session publishes its pause and resume too), and acts on the pause, resume
/// and stop requests a watcher leaves in DIR/requests.json, polled on a thread of its own (a
/// paused session reaches no safe point). Only the session's thread writes live.json.
/// A file that cannot be written is reported once and never stops the run.
class LiveRunPublisher {
public:
    /// `pauseAllowed` false (a distributed run, whose peers would time out): pause is refused.
    LiveRunPublisher(core::Session& session, std::string folder, bool pauseAllowed,
                     std::function<void(const std::string&)> log);
    ~LiveRunPublisher();
    LiveRunPublisher(const LiveRunPublisher&) = delete;
    LiveRunPublisher& operator=(const LiveRunPublisher&) = delete;

    /// Called with every snapshot of the session (on its thread).
    void onSnapshot(const core::Snapshot& snapshot);

private:
    void write(const core::Snapshot& snapshot);
    void pollRequests();

    core::Session& m_session;
    std::string m_folder;
    bool m_pauseAllowed;
    std::function<void(const std::string&)> m_log;
    std::chrono::steady_clock::time_point m_lastWrite{};
    core::SessionState m_lastState = core::SessionState::Idle;
    std::size_t m_lastRounds = 0;
    std::size_t m_lastEpochs = 0;
    bool m_writeFailed = false;
    std::uint64_t m_handled = 0; ///< the last request sequence acted on (or there before the run)
    std::atomic<bool> m_done{false};
    std::thread m_poller;
};

} // namespace espalier::cli
