#include "runcontrol.h"

#include "espalier/core/errors.h"

namespace espalier::core {

void RunControl::requestPause()
{
    std::lock_guard lock(m_mutex);
    m_paused = true;
}

void RunControl::requestResume()
{
    {
        std::lock_guard lock(m_mutex);
        m_paused = false;
        m_pauseAfterRound = false;
    }
    m_wake.notify_all();
}

void RunControl::requestStep()
{
    {
        std::lock_guard lock(m_mutex);
        m_paused = false;
        m_pauseAfterRound = true;
    }
    m_wake.notify_all();
}

void RunControl::requestStop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
}

void RunControl::checkpoint(const std::function<void(bool paused)>& onPause)
{
    if (m_stop.load())
        throw Cancelled();
    std::unique_lock lock(m_mutex);
    if (!m_paused)
        return;
    lock.unlock();
    if (onPause)
        onPause(true);
    lock.lock();
    m_wake.wait(lock, [this] { return !m_paused || m_stop.load(); });
    lock.unlock();
    if (m_stop.load())
        throw Cancelled();
    if (onPause)
        onPause(false);
}

void RunControl::roundFinished()
{
    std::lock_guard lock(m_mutex);
    if (m_pauseAfterRound) {
        m_pauseAfterRound = false;
        m_paused = true;
    }
}

} // namespace espalier::core
