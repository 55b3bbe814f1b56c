#pragma once
// How busy the machine was with other work while we measured. On a 2-core machine shared with other
// jobs, a second thread only helps when the other core is free: every OpenMP hand-off then waits
// for the scheduler. The tables print this next to the times so that such rows can be told apart.

#include <chrono>

namespace espalier::bench {

class CpuLoadMeter {
public:
    /// Starts measuring now.
    CpuLoadMeter();

    /// CPUs kept busy by everything except this process since construction, averaged over the wall
    /// time (from /proc/stat and /proc/self/stat, so at their 10 ms resolution); NaN if unreadable.
    double otherProcessesCpus() const;

private:
    long long m_busyTicks = -1; ///< all CPUs, not idle, not waiting for I/O
    long long m_ownTicks = -1;  ///< this process, user + system
    std::chrono::steady_clock::time_point m_start;
};

} // namespace espalier::bench
