#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "espalier/core/session.h"

namespace espalier::cli {

/// Runs `session` to the end with progress on `progress`, Ctrl-C mapped to Session::stop, and
/// `onRoundFinished` called (on the session's thread) each time a round record is added. With an
/// `autosavePath`, session.h5 is written there at the end of every round.
void runWithProgress(core::Session& session, std::ostream& progress, bool terminal,
                     const std::function<void()>& onRoundFinished = {}, const std::string& autosavePath = {});

} // namespace espalier::cli
