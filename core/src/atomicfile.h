#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace espalier::core {

/// A file written under a temporary name in the destination folder ("<path>.tmp-<pid>") and
/// renamed over `path` by commit(): a crash or an error never leaves a half-written file under the
/// final name, and an earlier file at `path` stays intact until the rename.
class AtomicFile {
public:
    /// Creates the (empty) temporary file; throws std::runtime_error naming `path` and the reason
    /// (e.g. "Permission denied") when the folder is not writable.
    explicit AtomicFile(std::string path);
    /// Removes the temporary file unless commit() succeeded.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] const std::string& tempPath() const { return m_tempPath; }

    /// fsyncs the temporary file, renames it over path() and fsyncs the folder.
    void commit();

private:
    std::string m_path;
    std::string m_tempPath;
    bool m_committed = false;
};

/// Calls `write(tempPath)` and commits; if `write` throws, the temporary file is removed and the
/// exception propagates with `path` untouched.
void writeAtomically(const std::string& path, const std::function<void(const std::string& tempPath)>& write);

/// Writes `bytes` to `path` atomically (text or binary).
void writeFileAtomically(const std::string& path, std::string_view bytes);

} // namespace espalier::core
