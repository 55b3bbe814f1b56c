#include "atomicfile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace espalier::core {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int error) {
    throw std::runtime_error("cannot write '" + path + "': " + what + ": " + std::strerror(error));
}

// Closes a POSIX file descriptor on every path out of a scope.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const { return m_fd; }
    /// Closes now and reports close's own failure (delayed write errors show up here on NFS).
    int close() { return ::close(std::exchange(m_fd, -1)); }

private:
    int m_fd;
};

std::string folderOf(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

} // namespace

AtomicFile::AtomicFile(std::string path)
    : m_path(std::move(path)), m_tempPath(m_path + ".tmp-" + std::to_string(::getpid())) {
    // O_TRUNC, not O_EXCL: a leftover from a crashed process that had our pid is stale.
    Fd fd(::open(m_tempPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (fd.get() < 0)
        fail(m_path, "cannot create '" + m_tempPath + "'", errno);
}

AtomicFile::~AtomicFile() {
    if (!m_committed)
        std::remove(m_tempPath.c_str());
}

void AtomicFile::commit() {
    {
        Fd fd(::open(m_tempPath.c_str(), O_RDONLY | O_CLOEXEC));
        if (fd.get() < 0)
            fail(m_path, "cannot reopen '" + m_tempPath + "'", errno);
        if (::fsync(fd.get()) != 0)
            fail(m_path, "cannot flush '" + m_tempPath + "' to disk", errno);
    }
    if (std::rename(m_tempPath.c_str(), m_path.c_str()) != 0)
        fail(m_path, "cannot rename '" + m_tempPath + "' over it", errno);
    m_committed = true;
    // Make the rename itself durable; best effort, the data is already complete on disk.
    Fd folder(::open(folderOf(m_path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (folder.get() >= 0)
        ::fsync(folder.get());
}

void writeAtomically(const std::string& path, const std::function<void(const std::string& tempPath)>& write) {
    AtomicFile file(path);
    write(file.tempPath());
    file.commit();
}

void writeFileAtomically(const std::string& path, std::string_view bytes) {
    writeAtomically(path, [&](const std::string& tempPath) {
        Fd fd(::open(tempPath.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
        if (fd.get() < 0)
            fail(path, "cannot open '" + tempPath + "'", errno);
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                fail(path, "cannot write '" + tempPath + "'", errno);
            done += std::size_t(n);
        }
        if (fd.close() != 0)
            fail(path, "cannot write '" + tempPath + "'", errno);
    });
}

} // namespace espalier::core
