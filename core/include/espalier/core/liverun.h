#pragma once
// A run that a workbench can watch from elsewhere (docs/formats.md, "Live runs"): espalier-cli
// keeps the session's latest snapshot in DIR/live.json, and reads requests (pause, resume, stop)
// that a watcher leaves in DIR/requests.json. Both files are replaced atomically, never edited.

#include <cstdint>
#include <optional>
#include <string>

#include "espalier/core/snapshot.h"

namespace espalier::core {

enum class RunRequest { Pause, Resume, Stop };

/// One request from a watcher; a run acts on each sequence number once.
struct RunRequestEntry {
    std::uint64_t sequence = 0;
    RunRequest request = RunRequest::Pause;
};

[[nodiscard]] std::string liveSnapshotPath(const std::string& folder);
[[nodiscard]] std::string runRequestPath(const std::string& folder);

/// Replaces DIR/live.json with `snapshot`, atomically; throws std::runtime_error naming the file.
void writeLiveSnapshot(const std::string& folder, const Snapshot& snapshot);
/// Reads DIR/live.json; throws InputError naming the file when it is missing or not a snapshot.
[[nodiscard]] Snapshot readLiveSnapshot(const std::string& folder);

/// Replaces DIR/requests.json with `entry`, atomically; throws std::runtime_error naming the file.
void writeRunRequest(const std::string& folder, const RunRequestEntry& entry);
/// The request in DIR/requests.json; nothing when there is none or it cannot be read.
[[nodiscard]] std::optional<RunRequestEntry> readRunRequest(const std::string& folder);

} // namespace espalier::core
