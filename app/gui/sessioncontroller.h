#pragma once

#include <optional>

#include <QObject>

#include "espalier/core/sensitivity.h"
#include <QPointer>

#include "app/gui/snapshotptr.h"
#include "espalier/core/recipe.h"
#include "espalier/core/saverequest.h"
#include "espalier/core/steering.h"

class QThread;

namespace espalier::app {

class PruningWorker;

/// Runs sessions on the worker thread "espalier-worker" and tracks their state for the GUI.
/// One PruningWorker per session: load() prepares one from a recipe (model and data are loaded
/// off the GUI thread), start() runs it, and a later start() runs a fresh one from the same recipe.
/// The state follows the user's commands at once and the session's snapshots after that.
/// Shutdown (also in the destructor): stop → quit → wait. Lives in: GUI thread.
class SessionController : public QObject {
    Q_OBJECT
public:
    explicit SessionController(QObject* parent = nullptr);
    ~SessionController() override;

    /// Discards the current session (stopping it if it runs) and prepares one for `recipe`.
    void load(const core::Recipe& recipe);
    /// The same for a session saved in session.h5 (whose recipe is `recipe`): its first start
    /// continues it; a later start runs the recipe afresh.
    void loadSession(const QString& sessionFile, const core::Recipe& recipe);
    /// Every session started here writes session.h5 after each round into a folder of its own
    /// under `folder` (a continued session back into its own file); empty: no autosave.
    void setAutosaveFolder(const QString& folder) { m_autosaveFolder = folder; }
    void start();
    void pause();
    void resume();
    void step();
    void stop();
    /// Steering and rollback; return the reason when refused (empty on success).
    QString steer(const core::SteeringChange& change);
    QString rollback(int round);
    void requestLayerTensors(const QString& name);
    void requestThresholdPreview();
    /// A what-if preview of the running or paused session; returns why it was refused (empty on success).
    QString requestPreview(const QString& method, double sparsity);
    /// A per-layer sensitivity scan of the running or paused session; returns why it was refused.
    QString requestSensitivityScan(const core::SensitivitySettings& settings);
    void cancelSensitivityScan();
    /// Measures the session's model for deployment (Snapshot::deployment), also after it finished;
    /// returns why it was refused.
    QString requestDeploymentMeasurement(const std::vector<std::int64_t>& batches, int repeats);
    /// Writes a report, model or masks file of the session (now when idle, at the next safe point
    /// while it runs or is paused); saved() follows, also when it fails.
    void requestSave(const core::SaveRequest& request);
    /// A session has loaded and can be saved (until another recipe is loaded).
    [[nodiscard]] bool hasSession() const;
    /// The recipe with the steering so far; the loaded recipe when there is no session.
    [[nodiscard]] core::Recipe currentRecipe() const;
    /// The settings in effect now, for display.
    [[nodiscard]] core::Recipe effectiveRecipe() const;
    /// Stops the session and joins the worker thread; the controller is inert afterwards.
    void shutdown();

    [[nodiscard]] core::SessionState state() const { return m_state; }
    [[nodiscard]] bool hasRecipe() const { return m_recipe.has_value(); }
    [[nodiscard]] bool isActive() const;
    [[nodiscard]] QThread* workerThread() const { return m_thread; }

Q_SIGNALS:
    void snapshotReady(espalier::app::SnapshotPtr snapshot);
    void logMessage(const QString& line);
    void stateChanged(espalier::core::SessionState state);
    /// The session of the loaded recipe is ready to start (its first snapshot was sent).
    void prepared();
    void finished();
    void stopped();
    void failed(const QString& message);
    void layerTensorsReady(espalier::app::LayerTensorsPtr tensors);
    /// The outcome of requestSave; `error` (naming the path) is empty on success.
    void saved(const espalier::core::SaveResult& result);

private:
    void newWorker(bool runNow);
    [[nodiscard]] QString autosavePath() const;
    void discardWorker();
    void setState(core::SessionState state);
    void onSnapshot(const SnapshotPtr& snapshot);

    QThread* m_thread;
    QPointer<PruningWorker> m_worker;
    std::optional<core::Recipe> m_recipe;
    QString m_sessionFile;    // the next worker continues this session.h5
    QString m_autosaveFolder;
    quint64 m_generation = 0; // signals of a discarded worker carry an older generation
    bool m_workerRan = false;
    core::SessionState m_state = core::SessionState::Idle;
    std::optional<core::SessionState> m_expected; // a command's state, until a snapshot confirms it
};

} // namespace espalier::app
