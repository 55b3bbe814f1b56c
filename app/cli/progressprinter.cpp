#include "progressprinter.h"

#include <cstdio>
#include <iomanip>
#include <sstream>

#include <unistd.h>

namespace espalier::cli {

ProgressPrinter::ProgressPrinter(std::ostream& out, bool terminal) : m_out(out), m_terminal(terminal) {}

bool isTerminal(int fd)
{
    return ::isatty(fd) == 1;
}

void ProgressPrinter::onLog(const std::string& line)
{
    finish();
    m_out << line << std::endl;
}

void ProgressPrinter::onSnapshot(const core::Snapshot& s)
{
    if (!m_terminal || s.totalBatches <= 0 || s.batch <= 0)
        return;
    constexpr int kWidth = 30;
    const double fraction = double(s.batch) / double(s.totalBatches);
    const int filled = int(fraction * kWidth);
    std::ostringstream bar;
    bar << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << s.phase;
    if (s.round > 0)
        bar << " round " << s.round << "/" << s.totalRounds;
    bar << " epoch " << s.epoch << "/" << s.totalEpochs << " batch " << s.batch << "/" << s.totalBatches
        << std::fixed << std::setprecision(4) << " loss " << s.runningLoss << "\x1b[K";
    m_out << bar.str() << std::flush;
    m_barShown = true;
}

void ProgressPrinter::finish()
{
    if (m_barShown) {
        m_out << "\r\x1b[K" << std::flush;
        m_barShown = false;
    }
}

} // namespace espalier::cli
