#pragma once

#include <ostream>
#include <string>

#include "espalier/core/snapshot.h"

namespace espalier::cli {

/// Shows a session's progress: a redrawn one-line bar on a terminal, plain log lines otherwise
/// (pipes, CI logs), so that logs never fill with carriage returns.
class ProgressPrinter {
public:
    ProgressPrinter(std::ostream& out, bool terminal);

    void onLog(const std::string& line);
    void onSnapshot(const core::Snapshot& snapshot);
    /// Clears the bar (call before printing anything else).
    void finish();

private:
    std::ostream& m_out;
    bool m_terminal;
    bool m_barShown = false;
};

/// True when `stream` (1 = stdout, 2 = stderr) is a terminal.
bool isTerminal(int fd);

} // namespace espalier::cli
