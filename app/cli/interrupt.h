#pragma once

namespace espalier::cli {

/// Ctrl-C asks the running session to stop at its next safe point instead of killing the process,
/// so that outputs written so far stay valid. A second Ctrl-C terminates at once.
void installInterruptHandler();
[[nodiscard]] bool interruptRequested();

} // namespace espalier::cli
