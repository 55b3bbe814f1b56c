#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "espalier/core/session.h"

namespace espalier::cli {

/// Runs `session` to the end with progress on `progress`, Ctrl-C mapped to Session::stop, and
/// `onRoundFinished` called (on the session's thread) each time a round record is added. `settings`
/// supplies the hooks' plain settings (autosavePath: session.h5 at most every 20 s of round ends,
/// evaluateUntrainedRounds, distributed); its onSnapshot, when set, is called after the progress
/// printer's, and its other callbacks are replaced.
void runWithProgress(core::Session& session, std::ostream& progress, bool terminal,
                     const std::function<void()>& onRoundFinished = {}, core::SessionHooks settings = {});

} // namespace espalier::cli
