#pragma once
// Internal: a Snapshot as JSON text, so session.h5 can carry the records, events and annotations a
// resumed session continues from (docs/formats.md, "session.h5").

#include <string>

#include "espalier/core/snapshot.h"

namespace espalier::core {

/// Every field of `snapshot` as compact JSON (NaN becomes null).
std::string snapshotToJson(const Snapshot& snapshot);

/// Reads snapshotToJson's output back; throws InputError naming `source` when the text is not such
/// a snapshot.
Snapshot snapshotFromJson(const std::string& text, const std::string& source);

/// One round record (a round stopped in the middle keeps its record so far in session.h5).
std::string roundRecordToJson(const RoundRecord& record);
RoundRecord roundRecordFromJson(const std::string& text, const std::string& source);

} // namespace espalier::core
