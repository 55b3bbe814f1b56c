#include "sessionrunner.h"

#include "interrupt.h"
#include "progressprinter.h"

namespace espalier::cli {

void runWithProgress(core::Session& session, std::ostream& progress, bool terminal,
                     const std::function<void()>& onRoundFinished, core::SessionHooks settings)
{
    installInterruptHandler();
    ProgressPrinter printer(progress, terminal);
    std::size_t roundsSeen = 0;
    bool stopSent = false;
    const auto alsoOnSnapshot = settings.onSnapshot;
    core::SessionHooks hooks = std::move(settings);
    hooks.autosaveIntervalSeconds = 20.0; // SynFlow's 100 short rounds must not each write session.h5
    hooks.onLog = [&](const std::string& line) { printer.onLog(line); };
    hooks.onSnapshot = [&](const core::Snapshot& s) {
        if (interruptRequested() && !stopSent) {
            stopSent = true;
            printer.onLog("interrupted: stopping at the next safe point (Ctrl-C again to abort)");
            session.stop();
        }
        printer.onSnapshot(s);
        if (alsoOnSnapshot)
            alsoOnSnapshot(s);
        if (s.rounds.size() > roundsSeen) {
            roundsSeen = s.rounds.size();
            if (onRoundFinished)
                onRoundFinished();
        }
    };
    try {
        session.run(hooks);
    } catch (...) {
        printer.finish();
        throw;
    }
    printer.finish();
}

} // namespace espalier::cli
