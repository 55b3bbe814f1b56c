#include "app/gui/sweepworker.h"

#include <QFile>

#include "app/gui/pruningworker.h"
#include "espalier/core/errors.h"

namespace espalier::app {

SweepWorker::SweepWorker(core::SweepSpec spec, QString folder, QObject* parent)
    : QObject(parent), m_spec(std::move(spec)), m_folder(std::move(folder))
{
    qRegisterMetaType<SweepResultsPtr>();
    qRegisterMetaType<SnapshotPtr>();
}

SweepWorker::~SweepWorker() = default;

void SweepWorker::stop()
{
    m_stopRequested = true; // before the lock: run() checks it after publishing its runner
    std::lock_guard lock(m_mutex);
    if (m_runner)
        m_runner->stop();
}

void SweepWorker::run()
{
    if (m_stopRequested) {
        Q_EMIT stopped();
        return;
    }
    core::SweepHooks hooks;
    hooks.onCellChanged = [this](const core::SweepCellResult&, const core::SweepResults& results) {
        Q_EMIT resultsChanged(std::make_shared<const core::SweepResults>(results));
    };
    hooks.onLog = [this](const std::string& line) { Q_EMIT logMessage(QString::fromStdString(line)); };
    hooks.onSnapshot = [this](const core::Snapshot& snapshot) {
        Q_EMIT snapshotReady(std::make_shared<const core::Snapshot>(snapshot));
    };
    std::unique_ptr<core::SweepRunner> runner;
    SweepResultsPtr results;
    bool cancelled = false;
    QString error;
    try {
        // Planned here, not in the GUI thread: a bad recipe or a folder of another sweep is a failure.
        runner = std::make_unique<core::SweepRunner>(m_spec, QFile::encodeName(m_folder).toStdString());
        {
            std::lock_guard lock(m_mutex);
            m_runner = runner.get();
        }
        if (m_stopRequested)
            runner->stop();
        Q_EMIT logMessage(tr("Sweep %1: %2 cells into %3")
                              .arg(QString::fromStdString(m_spec.name))
                              .arg(runner->cells().size())
                              .arg(m_folder));
        results = std::make_shared<const core::SweepResults>(runner->run(hooks));
    } catch (const core::Cancelled&) {
        cancelled = true;
    } catch (const core::InputError& e) {
        error = errorMessage(e);
    } catch (const std::exception& e) {
        error = tr("Internal error: %1").arg(errorMessage(e));
    } catch (...) {
        error = tr("Internal error of unknown type");
    }
    {
        std::lock_guard lock(m_mutex); // stop() must never reach a runner that is gone
        m_runner = nullptr;
    }
    runner.reset();
    if (results)
        Q_EMIT finished(results);
    else if (cancelled)
        Q_EMIT stopped();
    else
        Q_EMIT failed(error);
}

} // namespace espalier::app
