#include "app/gui/pruningworker.h"

#include <algorithm>

#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include "espalier/core/errors.h"
#include "espalier/core/session.h"

namespace espalier::app {

QString errorMessage(const std::exception& error)
{
    QString message = QString::fromStdString(error.what());
    const qsizetype backtrace = message.indexOf(QLatin1String("Exception raised from"));
    if (backtrace > 0)
        message.truncate(backtrace);
    return message.trimmed();
}

PruningWorker::PruningWorker(core::Recipe recipe, QString sessionFile, QString autosavePath, QObject* parent)
    : QObject(parent), m_recipe(std::move(recipe)), m_sessionFile(std::move(sessionFile)),
      m_autosavePath(std::move(autosavePath))
{
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<LayerTensorsPtr>();
    qRegisterMetaType<core::SaveResult>();
}

PruningWorker::~PruningWorker()
{
    std::lock_guard lock(m_mutex);
    m_session.reset();
}

void PruningWorker::pause()
{
    std::lock_guard lock(m_mutex);
    if (m_session)
        m_session->pause();
    else
        m_pending = Pending::Pause;
}

void PruningWorker::resume()
{
    std::lock_guard lock(m_mutex);
    if (m_session)
        m_session->resume();
    else
        m_pending = Pending::None;
}

void PruningWorker::step()
{
    std::lock_guard lock(m_mutex);
    if (m_session)
        m_session->step();
    else
        m_pending = Pending::Step;
}

void PruningWorker::stop()
{
    m_stopRequested = true;
    std::lock_guard lock(m_mutex);
    if (m_session)
        m_session->stop();
}

QString PruningWorker::steer(const core::SteeringChange& change)
{
    std::lock_guard lock(m_mutex);
    if (!m_session)
        return tr("The session is still loading; try again in a moment");
    try {
        m_session->steer(change);
    } catch (const std::exception& error) {
        return errorMessage(error);
    }
    return {};
}

QString PruningWorker::rollback(int round)
{
    std::lock_guard lock(m_mutex);
    if (!m_session || !m_running)
        return tr("Roll back works while the session runs or is paused");
    try {
        m_session->rollback(round);
    } catch (const std::exception& error) {
        return errorMessage(error);
    }
    return {};
}

void PruningWorker::requestLayerTensors(const QString& name)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_session)
            return;
        if (m_running) {
            m_session->requestLayerTensors(name.toStdString());
            return;
        }
    }
    // Not running: the worker thread is idle (or about to run, and then this waits behind run()).
    QMetaObject::invokeMethod(this, [this, name] { copyLayerTensors(name); }, Qt::QueuedConnection);
}

void PruningWorker::requestThresholdPreview()
{
    std::lock_guard lock(m_mutex);
    if (m_session && m_running)
        m_session->requestThresholdPreview();
}

QString PruningWorker::requestPreview(const QString& method, double sparsity)
{
    std::lock_guard lock(m_mutex);
    if (!m_session || !m_running)
        return tr("previews need a running or paused session");
    try {
        m_session->requestPreview(method.toStdString(), sparsity);
    } catch (const std::exception& error) {
        return errorMessage(error);
    }
    return {};
}

QString PruningWorker::requestSensitivityScan(const core::SensitivitySettings& settings)
{
    std::lock_guard lock(m_mutex);
    if (!m_session || !m_running)
        return tr("a scan needs a running or paused session");
    try {
        m_session->requestSensitivityScan(settings);
    } catch (const std::exception& error) {
        return errorMessage(error);
    }
    return {};
}

QString PruningWorker::requestDeploymentMeasurement(const std::vector<std::int64_t>& batches, int repeats)
{
    std::lock_guard lock(m_mutex);
    if (!m_session)
        return tr("the session has not loaded yet");
    if (!m_running) {
        QMetaObject::invokeMethod(
            this, [this, batches, repeats] { measureDeploymentIdle(batches, repeats); }, Qt::QueuedConnection);
        return {};
    }
    try {
        m_session->requestDeploymentMeasurement(batches, repeats);
    } catch (const std::exception& error) {
        return errorMessage(error);
    }
    return {};
}

void PruningWorker::measureDeploymentIdle(const std::vector<std::int64_t>& batches, int repeats)
{
    if (!m_session || m_running)
        return; // a run started meanwhile: it measures at its safe point instead
    try {
        m_session->measureDeployment(batches, repeats);
    } catch (const std::exception& error) {
        Q_EMIT logMessage(tr("Deployment measurement refused: %1").arg(errorMessage(error)));
        return;
    }
    Q_EMIT snapshotReady(std::make_shared<const core::Snapshot>(m_session->snapshot()));
}

void PruningWorker::cancelSensitivityScan()
{
    std::lock_guard lock(m_mutex);
    if (m_session)
        m_session->cancelSensitivityScan();
}

void PruningWorker::copyLayerTensors(const QString& name)
{
    if (!m_session || m_running)
        return;
    try {
        Q_EMIT layerTensorsReady(std::make_shared<const core::LayerTensors>(m_session->layerTensors(name.toStdString())));
    } catch (const std::exception& error) {
        Q_EMIT logMessage(tr("Cannot inspect %1: %2").arg(name, errorMessage(error)));
    }
}

namespace {

/// The outcome of `request` for the window: a failure always names the file it was about.
core::SaveResult saveResult(const core::SaveRequest& request, std::string error)
{
    if (!error.empty() && error.find(request.path) == std::string::npos)
        error = "cannot write " + request.path + ": " + error;
    return core::SaveResult{request, std::move(error)};
}

bool sameRequest(const core::SaveRequest& a, const core::SaveRequest& b)
{
    return a.kind == b.kind && a.path == b.path && a.withScores == b.withScores;
}

} // namespace

void PruningWorker::requestSave(const core::SaveRequest& request)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_session && m_running) {
            m_sessionSaves.push_back(request);
            m_session->requestSave(request);
            return;
        }
        m_idleSaves.push_back(request);
    }
    // Idle, or still loading (then this waits behind prepare()), or about to run (then run() hands
    // the request to the session and this finds nothing left to do).
    QMetaObject::invokeMethod(this, [this] { writePendingSaves(); }, Qt::QueuedConnection);
}

void PruningWorker::saveStoppedSession(const std::string& path)
{
    if (path.empty())
        return;
    // Stop keeps the work up to the last finished epoch, not only up to the last round.
    try {
        m_session->saveSession(path);
        Q_EMIT logMessage(tr("Saved the stopped session to %1; File ▸ Open session… continues it")
                              .arg(QString::fromStdString(path)));
    } catch (const std::exception& error) {
        Q_EMIT logMessage(tr("Warning: could not save the stopped session: %1").arg(errorMessage(error)));
    }
}

bool PruningWorker::hasSession()
{
    std::lock_guard lock(m_mutex);
    return m_session != nullptr;
}

void PruningWorker::writePendingSaves()
{
    for (;;) {
        core::SaveRequest request;
        {
            std::lock_guard lock(m_mutex);
            if (m_running || m_idleSaves.empty())
                return;
            request = m_idleSaves.front();
            m_idleSaves.erase(m_idleSaves.begin());
        }
        std::string error;
        if (!m_session) {
            error = tr("the session did not load").toStdString();
        } else {
            try {
                m_session->save(request);
            } catch (const std::exception& e) {
                error = errorMessage(e).toStdString();
            } catch (...) {
                error = "unknown error";
            }
        }
        Q_EMIT saved(saveResult(request, std::move(error)));
    }
}

void PruningWorker::endRun()
{
    {
        std::lock_guard lock(m_mutex);
        m_running = false;
        // The session queued these for a safe point that never came; it will not run again.
        m_idleSaves.insert(m_idleSaves.begin(), m_sessionSaves.begin(), m_sessionSaves.end());
        m_sessionSaves.clear();
    }
    writePendingSaves();
}

core::Recipe PruningWorker::currentRecipe()
{
    std::lock_guard lock(m_mutex);
    return m_session ? m_session->currentRecipe() : m_recipe;
}

core::Recipe PruningWorker::effectiveRecipe()
{
    std::lock_guard lock(m_mutex);
    return m_session ? m_session->effectiveRecipe() : m_recipe;
}

void PruningWorker::prepare()
{
    ensureSession();
}

bool PruningWorker::ensureSession()
{
    if (m_session)
        return true;
    if (!m_error.isEmpty()) {
        Q_EMIT failed(m_error); // every run() ends with a terminal signal, even after a failed prepare()
        return false;
    }
    try {
        auto session = m_sessionFile.isEmpty() ? std::make_unique<core::Session>(m_recipe)
                                               : core::Session::resume(m_sessionFile.toStdString());
        core::Snapshot first = session->snapshot();
        {
            std::lock_guard lock(m_mutex);
            m_session = std::move(session);
        }
        Q_EMIT logMessage(tr("Loaded %1 (%2 prunable tensors, %3 prunable weights) and %4 data")
                              .arg(QString::fromStdString(m_recipe.model.name))
                              .arg(first.layers.size())
                              .arg(QLocale().toString(qlonglong(first.prunableWeights)))
                              .arg(QString::fromStdString(m_recipe.data.name)));
        if (!m_sessionFile.isEmpty())
            Q_EMIT logMessage(tr("Continues the session saved in %1").arg(m_sessionFile));
        Q_EMIT snapshotReady(std::make_shared<const core::Snapshot>(std::move(first)));
        Q_EMIT prepared();
        return true;
    } catch (const std::exception& error) {
        m_error = errorMessage(error);
    } catch (...) {
        m_error = tr("Loading the session failed with an unknown error");
    }
    Q_EMIT failed(m_error);
    return false;
}

void PruningWorker::applyPending()
{
    std::lock_guard lock(m_mutex);
    if (m_stopRequested)
        m_session->stop();
    if (m_pending == Pending::Pause)
        m_session->pause();
    else if (m_pending == Pending::Step)
        m_session->step();
    m_pending = Pending::None;
}

void PruningWorker::run()
{
    if (m_ran) {
        Q_EMIT failed(tr("This session has already run; start a new one"));
        return;
    }
    m_ran = true;
    if (m_stopRequested) {
        Q_EMIT stopped();
        return;
    }
    if (!ensureSession())
        return;
    applyPending();

    core::SessionHooks hooks;
    hooks.onSnapshot = [this](const core::Snapshot& snapshot) {
        Q_EMIT snapshotReady(std::make_shared<const core::Snapshot>(snapshot));
    };
    hooks.onLog = [this](const std::string& line) { Q_EMIT logMessage(QString::fromStdString(line)); };
    hooks.onLayerTensors = [this](const core::LayerTensors& tensors) {
        Q_EMIT layerTensorsReady(std::make_shared<const core::LayerTensors>(tensors));
    };
    hooks.onSaved = [this](const core::SaveResult& result) {
        {
            std::lock_guard lock(m_mutex);
            const auto same = [&](const core::SaveRequest& r) { return sameRequest(r, result.request); };
            const auto it = std::find_if(m_sessionSaves.begin(), m_sessionSaves.end(), same);
            if (it != m_sessionSaves.end())
                m_sessionSaves.erase(it);
        }
        Q_EMIT saved(saveResult(result.request, result.error));
    };
    hooks.interactive = true; // "block" pauses before the round, so the user can steer around the collapse
    if (!m_autosavePath.isEmpty()) {
        if (QDir().mkpath(QFileInfo(m_autosavePath).path())) {
            hooks.autosavePath = m_autosavePath.toStdString();
            Q_EMIT logMessage(tr("The session is saved to %1 after every round (File ▸ Open session… continues it)")
                                  .arg(m_autosavePath));
        } else {
            Q_EMIT logMessage(tr("Warning: cannot create %1; the session is not saved automatically")
                                  .arg(QFileInfo(m_autosavePath).path()));
        }
    }
    // m_running drops before the terminal signal, so requests made in reaction to it are served.
    {
        std::lock_guard lock(m_mutex);
        m_running = true;
        for (const core::SaveRequest& request : m_idleSaves) {
            m_sessionSaves.push_back(request);
            m_session->requestSave(request);
        }
        m_idleSaves.clear();
    }
    try {
        m_session->run(hooks);
        endRun();
        Q_EMIT finished();
    } catch (const core::Cancelled&) {
        endRun();
        saveStoppedSession(hooks.autosavePath);
        Q_EMIT stopped();
    } catch (const core::InputError& error) {
        endRun();
        Q_EMIT failed(errorMessage(error));
    } catch (const std::exception& error) {
        endRun();
        Q_EMIT failed(tr("Internal error: %1").arg(errorMessage(error)));
    } catch (...) {
        endRun();
        Q_EMIT failed(tr("Internal error of unknown type"));
    }
}

} // namespace espalier::app
