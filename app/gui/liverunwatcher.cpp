#include "app/gui/liverunwatcher.h"

#include <QFileInfo>

namespace espalier::app {

LiveRunWatcher::LiveRunWatcher(QString folder, QObject* parent) : QObject(parent), m_folder(std::move(folder))
{
    m_timer.setInterval(500);
    connect(&m_timer, &QTimer::timeout, this, [this] { poll(); });
    m_timer.start();
}

bool LiveRunWatcher::poll(QString* error)
{
    const QFileInfo file(QString::fromStdString(core::liveSnapshotPath(m_folder.toStdString())));
    const QDateTime modified = file.exists() ? file.lastModified() : QDateTime();
    if (modified.isValid() && modified == m_modified)
        return true; // unchanged since the last read
    try {
        auto snapshot = std::make_shared<const core::Snapshot>(core::readLiveSnapshot(m_folder.toStdString()));
        m_modified = modified;
        m_lastError.clear();
        Q_EMIT snapshotRead(snapshot);
        return true;
    } catch (const std::exception& e) {
        const QString message = QString::fromUtf8(e.what());
        if (error)
            *error = message;
        if (message != m_lastError) {
            m_lastError = message;
            Q_EMIT readFailed(message);
        }
        return false;
    }
}

bool LiveRunWatcher::request(core::RunRequest request, QString* error)
{
    const auto folder = m_folder.toStdString();
    const auto previous = core::readRunRequest(folder);
    try {
        core::writeRunRequest(folder, {previous ? previous->sequence + 1 : 1, request});
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
}

} // namespace espalier::app
