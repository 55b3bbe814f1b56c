#include "app/gui/stallmonitor.h"

#include <algorithm>

namespace espalier::app {

StallMonitor::StallMonitor(QObject* parent) : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallMonitor::tick);
}

void StallMonitor::start()
{
    m_ticks = 0;
    m_longestMs = 0.0;
    m_clock.start();
    m_timer.start();
}

void StallMonitor::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    if (m_ticks > 0)
        m_longestMs = std::max(m_longestMs, double(now - m_last) / 1e6 - kIntervalMs);
    m_last = now;
    ++m_ticks;
}

} // namespace espalier::app
