#pragma once

#include <functional>
#include <iosfwd>

#include "espalier/core/session.h"

namespace espalier::cli {

/// Runs `session` to the end with progress on `progress`, Ctrl-C mapped to Session::stop, and
/// `onRoundFinished` called (on the session's thread) each time a round record is added.
void runWithProgress(core::Session& session, std::ostream& progress, bool terminal,
                     const std::function<void()>& onRoundFinished = {});

} // namespace espalier::cli
