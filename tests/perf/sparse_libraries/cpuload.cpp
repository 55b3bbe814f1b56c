#include "cpuload.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace espalier::bench {
namespace {

// The "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal ... in clock ticks.
long long busyTicks()
{
    std::ifstream stat("/proc/stat");
    std::string label;
    long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(stat >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
        label != "cpu")
        return -1;
    return user + nice + system + irq + softirq + steal;
}

// utime and stime, fields 14 and 15 of /proc/self/stat; the command name (field 2) may hold spaces,
// so count from its closing parenthesis.
long long ownTicks()
{
    std::ifstream file("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    if (close == std::string::npos)
        return -1;
    std::istringstream fields(text.substr(close + 2));
    std::string skipped;
    for (int field = 3; field < 14; ++field)
        fields >> skipped;
    long long user = 0, system = 0;
    if (!(fields >> user >> system))
        return -1;
    return user + system;
}

} // namespace

CpuLoadMeter::CpuLoadMeter()
    : m_busyTicks(busyTicks()), m_ownTicks(ownTicks()), m_start(std::chrono::steady_clock::now())
{
}

double CpuLoadMeter::otherProcessesCpus() const
{
    const long long busy = busyTicks();
    const long long own = ownTicks();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    if (busy < 0 || own < 0 || m_busyTicks < 0 || m_ownTicks < 0 || seconds <= 0)
        return std::nan("");
    const double ticksPerSecond = double(sysconf(_SC_CLK_TCK));
    const double others = double((busy - m_busyTicks) - (own - m_ownTicks)) / ticksPerSecond / seconds;
    return std::max(0.0, others);
}

} // namespace espalier::bench
