#include "app/gui/sessioncontroller.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QThread>

#include "app/gui/pruningworker.h"

namespace espalier::app {

using core::SessionState;

SessionController::SessionController(QObject* parent) : QObject(parent), m_thread(new QThread(this))
{
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<SessionState>();
    qRegisterMetaType<LayerTensorsPtr>();
    m_thread->setObjectName(QStringLiteral("espalier-worker"));
}

SessionController::~SessionController()
{
    shutdown();
}

void SessionController::load(const core::Recipe& recipe)
{
    loadSession({}, recipe);
}

void SessionController::loadSession(const QString& sessionFile, const core::Recipe& recipe)
{
    discardWorker();
    m_recipe = recipe;
    m_sessionFile = sessionFile;
    setState(SessionState::Idle);
    newWorker(/*runNow=*/false);
}

void SessionController::start()
{
    if (!m_recipe || isActive())
        return;
    if (!m_worker || m_workerRan) {
        discardWorker();
        newWorker(/*runNow=*/true);
    } else {
        QMetaObject::invokeMethod(m_worker.data(), &PruningWorker::run, Qt::QueuedConnection);
    }
    m_workerRan = true;
    m_expected = SessionState::Running;
    setState(SessionState::Running);
}

void SessionController::pause()
{
    if (!m_worker || m_state != SessionState::Running)
        return;
    m_worker->pause();
    m_expected = SessionState::Paused;
    setState(SessionState::Paused);
}

void SessionController::resume()
{
    if (!m_worker || m_state != SessionState::Paused)
        return;
    m_worker->resume();
    m_expected = SessionState::Running;
    setState(SessionState::Running);
}

void SessionController::step()
{
    if (!m_worker || !isActive())
        return;
    m_worker->step();
    if (m_state == SessionState::Paused) {
        m_expected = SessionState::Running; // the session resumes, then pauses at the round's end
        setState(SessionState::Running);
    }
}

void SessionController::stop()
{
    if (m_worker)
        m_worker->stop(); // stopped() follows from the worker thread
}

QString SessionController::steer(const core::SteeringChange& change)
{
    if (!m_worker)
        return tr("Open a recipe first");
    return m_worker->steer(change);
}

QString SessionController::rollback(int round)
{
    if (!m_worker || !isActive())
        return tr("Roll back works while the session runs or is paused");
    const QString error = m_worker->rollback(round);
    if (error.isEmpty()) {
        m_expected = SessionState::Paused; // the session pauses at the restored round
        setState(SessionState::Paused);
    }
    return error;
}

void SessionController::requestLayerTensors(const QString& name)
{
    if (m_worker)
        m_worker->requestLayerTensors(name);
}

void SessionController::requestThresholdPreview()
{
    if (m_worker)
        m_worker->requestThresholdPreview();
}

QString SessionController::requestPreview(const QString& method, double sparsity)
{
    if (!m_worker)
        return tr("there is no session");
    return m_worker->requestPreview(method, sparsity);
}

QString SessionController::requestSensitivityScan(const core::SensitivitySettings& settings)
{
    if (!m_worker)
        return tr("there is no session");
    return m_worker->requestSensitivityScan(settings);
}

QString SessionController::requestDeploymentMeasurement(const std::vector<std::int64_t>& batches, int repeats)
{
    if (!m_worker)
        return tr("there is no session");
    return m_worker->requestDeploymentMeasurement(batches, repeats);
}

void SessionController::cancelSensitivityScan()
{
    if (m_worker)
        m_worker->cancelSensitivityScan();
}

void SessionController::requestSave(const core::SaveRequest& request)
{
    if (m_worker)
        m_worker->requestSave(request);
    else
        Q_EMIT saved({request, "cannot write " + request.path + ": there is no session"});
}

bool SessionController::hasSession() const
{
    return m_worker && m_worker->hasSession();
}

core::Recipe SessionController::currentRecipe() const
{
    if (m_worker)
        return m_worker->currentRecipe();
    return m_recipe ? *m_recipe : core::Recipe{};
}

core::Recipe SessionController::effectiveRecipe() const
{
    if (m_worker)
        return m_worker->effectiveRecipe();
    return m_recipe ? *m_recipe : core::Recipe{};
}

void SessionController::shutdown()
{
    discardWorker();
    m_thread->quit();
    m_thread->wait();
}

bool SessionController::isActive() const
{
    return m_state == SessionState::Running || m_state == SessionState::Paused;
}

QString SessionController::autosavePath() const
{
    if (!m_sessionFile.isEmpty())
        return m_sessionFile;
    if (m_autosaveFolder.isEmpty())
        return {};
    // e.g. sessions/lenet300-snip-20261130-114502/session.h5; the worker creates the folder when it runs.
    const QString name = QString::fromStdString(m_recipe->model.name + "-" + m_recipe->method);
    const QString folder = QDir(m_autosaveFolder)
                               .filePath(QFileInfo(name).fileName() + QLatin1Char('-') +
                                         QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    return QDir(folder).filePath(QStringLiteral("session.h5"));
}

void SessionController::newWorker(bool runNow)
{
    auto* worker = new PruningWorker(*m_recipe, m_sessionFile, autosavePath());
    m_sessionFile.clear(); // a later start runs the recipe afresh
    worker->moveToThread(m_thread);
    m_worker = worker;
    m_workerRan = false;
    const quint64 generation = ++m_generation;
    auto current = [this, generation] { return generation == m_generation; };

    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(worker, &PruningWorker::snapshotReady, this, [this, current](const SnapshotPtr& snapshot) {
        if (current())
            onSnapshot(snapshot);
    });
    connect(worker, &PruningWorker::logMessage, this, [this, current](const QString& line) {
        if (current())
            Q_EMIT logMessage(line);
    });
    connect(worker, &PruningWorker::layerTensorsReady, this, [this, current](const LayerTensorsPtr& tensors) {
        if (current())
            Q_EMIT layerTensorsReady(tensors);
    });
    // Not filtered by generation: a file asked for before the next session started was still written.
    connect(worker, &PruningWorker::saved, this, &SessionController::saved);
    connect(worker, &PruningWorker::prepared, this, [this, current] {
        if (current())
            Q_EMIT prepared();
    });
    connect(worker, &PruningWorker::finished, this, [this, current] {
        if (current()) {
            setState(SessionState::Finished);
            Q_EMIT finished();
        }
    });
    connect(worker, &PruningWorker::stopped, this, [this, current] {
        if (current()) {
            setState(SessionState::Stopped);
            Q_EMIT stopped();
        }
    });
    connect(worker, &PruningWorker::failed, this, [this, current](const QString& message) {
        // A run() queued behind a failed prepare() repeats the failure: report it once.
        if (current() && m_state != SessionState::Failed) {
            m_workerRan = true; // the next start() retries with a fresh worker (the user may fix the data)
            setState(SessionState::Failed);
            Q_EMIT failed(message);
        }
    });

    if (!m_thread->isRunning())
        m_thread->start();
    if (runNow)
        QMetaObject::invokeMethod(worker, &PruningWorker::run, Qt::QueuedConnection);
    else
        QMetaObject::invokeMethod(worker, &PruningWorker::prepare, Qt::QueuedConnection);
}

void SessionController::discardWorker()
{
    ++m_generation; // whatever the old worker still sends is ignored
    m_expected.reset();
    if (!m_worker)
        return;
    m_worker->stop();
    // Deleted on its own thread once its slot returns, so the session's tensors die there too.
    m_worker->deleteLater();
    m_worker = nullptr;
    if (isActive())
        setState(SessionState::Stopped);
}

void SessionController::setState(SessionState state)
{
    if (state == SessionState::Finished || state == SessionState::Stopped || state == SessionState::Failed)
        m_expected.reset();
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void SessionController::onSnapshot(const SnapshotPtr& snapshot)
{
    const SessionState reported = snapshot->state;
    // Only Running/Paused come from snapshots; the end of a run comes from the worker's signals.
    if (isActive() && (reported == SessionState::Running || reported == SessionState::Paused)) {
        if (m_expected && reported != *m_expected) {
            // A snapshot taken before the session saw the user's command; keep the command's state.
        } else {
            m_expected.reset();
            setState(reported);
        }
    }
    Q_EMIT snapshotReady(snapshot);
}

} // namespace espalier::app
