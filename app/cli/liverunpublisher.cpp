#include "liverunpublisher.h"

#include "espalier/core/liverun.h"

namespace espalier::cli {

LiveRunPublisher::LiveRunPublisher(core::Session& session, std::string folder, bool pauseAllowed,
                                   std::function<void(const std::string&)> log)
    : m_session(session), m_folder(std::move(folder)), m_pauseAllowed(pauseAllowed), m_log(std::move(log))
{
    if (const auto stale = core::readRunRequest(m_folder)) // left by an earlier run in this folder
        m_handled = stale->sequence;
    write(session.snapshot());
    m_poller = std::thread([this] { pollRequests(); });
}

LiveRunPublisher::~LiveRunPublisher()
{
    m_done = true;
    m_poller.join();
    write(m_session.snapshot()); // the final state: finished, stopped or failed
}

void LiveRunPublisher::onSnapshot(const core::Snapshot& snapshot)
{
    const auto now = std::chrono::steady_clock::now();
    const bool changed = snapshot.state != m_lastState || snapshot.rounds.size() != m_lastRounds ||
                         snapshot.epochs.size() != m_lastEpochs;
    if (!changed && now - m_lastWrite < std::chrono::milliseconds(250))
        return;
    write(snapshot);
}

void LiveRunPublisher::write(const core::Snapshot& snapshot)
{
    m_lastWrite = std::chrono::steady_clock::now();
    m_lastState = snapshot.state;
    m_lastRounds = snapshot.rounds.size();
    m_lastEpochs = snapshot.epochs.size();
    try {
        core::writeLiveSnapshot(m_folder, snapshot);
    } catch (const std::exception& e) {
        if (!m_writeFailed && m_log)
            m_log(std::string("warning: a workbench cannot follow this run: ") + e.what());
        m_writeFailed = true;
    }
}

void LiveRunPublisher::pollRequests()
{
    while (!m_done) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const auto entry = core::readRunRequest(m_folder);
        if (!entry || entry->sequence <= m_handled)
            continue;
        m_handled = entry->sequence;
        switch (entry->request) {
        case core::RunRequest::Pause:
            if (!m_pauseAllowed) {
                if (m_log)
                    m_log("warning: a distributed run cannot pause (its peers would time out); stop works");
                break;
            }
            if (m_log)
                m_log("a workbench asked to pause: pausing at the next safe point");
            m_session.pause();
            break;
        case core::RunRequest::Resume:
            if (m_log)
                m_log("a workbench asked to resume");
            m_session.resume();
            break;
        case core::RunRequest::Stop:
            if (m_log)
                m_log("a workbench asked to stop: stopping at the next safe point");
            m_session.stop();
            break;
        }
    }
}

} // namespace espalier::cli
