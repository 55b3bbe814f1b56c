#pragma once
// Internal: a session.h5 seen as a report of where it stands, for `espalier-cli inspect`.

#include <string>

#include "reportfile.h"

namespace espalier::core {

/// The resume point of a session file as report content: its masks, per-layer statistics,
/// round and epoch records, events and recipe. `resume` receives where it continues ("after
/// round 2"). Throws InputError like readSessionFile.
LoadedReport readSessionAsReport(const std::string& path, std::string& resume);

} // namespace espalier::core
