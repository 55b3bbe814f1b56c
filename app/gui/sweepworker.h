#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include <QMetaType>
#include <QObject>
#include <QString>

#include "app/gui/snapshotptr.h"
#include "espalier/core/sweep.h"

namespace espalier::app {

/// How sweep results cross from the worker thread to the GUI: immutable and shared.
using SweepResultsPtr = std::shared_ptr<const core::SweepResults>;

/// Owns one core::SweepRunner and runs it: created in the GUI thread, moved to a worker thread
/// before run() is invoked there, so every session of the sweep lives and dies on that thread.
/// A bad spec, an unwritable folder or any exception ends in failed(), never in a crash.
/// stop() is thread-safe and meant to be called directly from the GUI thread.
/// Lives in: worker thread.
class SweepWorker : public QObject {
    Q_OBJECT
public:
    SweepWorker(core::SweepSpec spec, QString folder, QObject* parent = nullptr);
    ~SweepWorker() override;

    /// Stops the running cell at its next safe point (it keeps its session.h5, so a rerun
    /// continues it); a run not started yet ends with stopped() at once. Thread-safe.
    void stop();

    [[nodiscard]] const QString& folder() const { return m_folder; }

public Q_SLOTS:
    /// Runs every unfinished cell: finished(), stopped() or failed() at the end.
    void run();

Q_SIGNALS:
    /// A cell started, finished, failed or was found finished in the folder.
    void resultsChanged(espalier::app::SweepResultsPtr results);
    /// Progress of the cell running now (a few times a second).
    void snapshotReady(espalier::app::SnapshotPtr snapshot);
    void logMessage(const QString& line);
    void finished(espalier::app::SweepResultsPtr results);
    void stopped();
    void failed(const QString& message);

private:
    const core::SweepSpec m_spec;
    const QString m_folder;
    std::mutex m_mutex;
    core::SweepRunner* m_runner = nullptr; // guarded by m_mutex; lives on the worker thread's stack
    std::atomic<bool> m_stopRequested{false};
};

} // namespace espalier::app

Q_DECLARE_METATYPE(espalier::app::SweepResultsPtr)
