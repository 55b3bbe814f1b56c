#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QTimer>

#include "app/gui/snapshotptr.h"
#include "espalier/core/liverun.h"

namespace espalier::app {

/// Follows a CLI run's folder (docs/distributed.md, "Watching from the workbench"): reads
/// live.json whenever it changes, twice a second, and leaves pause, resume and stop requests in
/// requests.json for the run to act on. Lives in: GUI thread.
class LiveRunWatcher : public QObject {
    Q_OBJECT
public:
    explicit LiveRunWatcher(QString folder, QObject* parent = nullptr);

    /// Reads live.json now; false with `error` (naming the file) when the folder has no live run.
    bool poll(QString* error = nullptr);
    /// Asks the run to pause, resume or stop; false with `error` when requests.json cannot be written.
    bool request(core::RunRequest request, QString* error = nullptr);

    [[nodiscard]] const QString& folder() const { return m_folder; }
    /// When live.json last changed.
    [[nodiscard]] QDateTime lastUpdate() const { return m_modified; }

Q_SIGNALS:
    void snapshotRead(espalier::app::SnapshotPtr snapshot);
    /// live.json went missing or unreadable (once per distinct message).
    void readFailed(const QString& message);

private:
    QString m_folder;
    QTimer m_timer;
    QDateTime m_modified;
    QString m_lastError;
};

} // namespace espalier::app
