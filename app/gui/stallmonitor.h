#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace espalier::app {

/// Measures how long the GUI thread's event loop goes without running: a timer asks to fire every
/// kIntervalMs and the monitor records the longest gap beyond that. Used by `espalier --stats` and
/// tests/perf/gui_overhead.py to check the ≤ 50 ms stall target. Lives in: GUI thread.
class StallMonitor : public QObject {
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 5;

    explicit StallMonitor(QObject* parent = nullptr);
    /// Starts (or restarts) measuring, e.g. when the session starts running: window creation and
    /// the first layout are not what the target is about.
    void start();
    /// Longest time past the interval between two ticks, in milliseconds.
    [[nodiscard]] double longestStallMs() const { return m_longestMs; }
    [[nodiscard]] qint64 ticks() const { return m_ticks; }

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_ticks = 0;
    double m_longestMs = 0.0;
};

} // namespace espalier::app
