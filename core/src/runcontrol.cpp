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

void RunControl::post(std::function<void()> task)
{
    {
        std::lock_guard lock(m_mutex);
        m_tasks.push_back(std::move(task));
    }
    m_wake.notify_all();
}

void RunControl::runTasks(std::unique_lock<std::mutex>& lock)
{
    // One at a time, so the tasks behind one that throws stay queued.
    while (!m_tasks.empty()) {
        auto task = std::move(m_tasks.front());
        m_tasks.erase(m_tasks.begin());
        lock.unlock();
        task();
        lock.lock();
    }
}

void RunControl::checkpoint(const std::function<void(bool paused)>& onPause)
{
    if (m_stop.load())
        throw Cancelled();
    std::unique_lock lock(m_mutex);
    runTasks(lock);
    if (!m_paused)
        return;
    lock.unlock();
    if (onPause)
        onPause(true);
    lock.lock();
    for (;;) {
        m_wake.wait(lock, [this] { return !m_paused || m_stop.load() || !m_tasks.empty(); });
        if (m_stop.load())
            break;
        // Before leaving the pause too: a change sent just before Resume belongs to this pause.
        runTasks(lock); // a task may throw (rollback): the run unwinds while still paused
        if (!m_paused)
            break;
    }
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
