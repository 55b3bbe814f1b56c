#include "app/gui/pruningworker.h"

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

PruningWorker::PruningWorker(core::Recipe recipe, QObject* parent) : QObject(parent), m_recipe(std::move(recipe))
{
    qRegisterMetaType<SnapshotPtr>();
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
        auto session = std::make_unique<core::Session>(m_recipe);
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
    try {
        m_session->run(hooks);
        Q_EMIT finished();
    } catch (const core::Cancelled&) {
        Q_EMIT stopped();
    } catch (const core::InputError& error) {
        Q_EMIT failed(errorMessage(error));
    } catch (const std::exception& error) {
        Q_EMIT failed(tr("Internal error: %1").arg(errorMessage(error)));
    } catch (...) {
        Q_EMIT failed(tr("Internal error of unknown type"));
    }
}

} // namespace espalier::app
