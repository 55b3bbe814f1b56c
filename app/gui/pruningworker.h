#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <QObject>
#include <QString>

#include "app/gui/snapshotptr.h"
#include "espalier/core/recipe.h"
#include "espalier/core/saverequest.h"
#include "espalier/core/sensitivity.h"
#include "espalier/core/steering.h"

namespace espalier::core {
class Session;
}

namespace espalier::app {

/// Owns one core::Session and runs it. Created in the GUI thread and moved to the worker thread
/// before prepare() or run() is invoked there; the session (model, tensors) lives and dies on that
/// thread. pause/resume/step/stop are thread-safe and meant to be called directly from the GUI
/// thread: the session obeys them at its next safe point. Lives in: worker thread.
class PruningWorker : public QObject {
    Q_OBJECT
public:
    /// With a `sessionFile` (session.h5) the session continues from it instead of starting from
    /// `recipe` (its recipe); with an `autosavePath` the session writes session.h5 there after every
    /// round.
    explicit PruningWorker(core::Recipe recipe, QString sessionFile = {}, QString autosavePath = {},
                           QObject* parent = nullptr);
    ~PruningWorker() override;

    void pause();
    void resume();
    void step();
    /// Cancels the run at the next batch; a run not yet started ends with stopped() at once.
    void stop();
    /// Hands a steering change or a rollback to the session; returns the reason when it is refused
    /// (empty on success). Thread-safe.
    QString steer(const core::SteeringChange& change);
    QString rollback(int round);
    /// Copies a prunable tensor on the worker thread; layerTensorsReady() delivers it. Thread-safe.
    void requestLayerTensors(const QString& name);
    /// Asks the running session for the next round's thresholds (Snapshot::previewThresholds). Thread-safe.
    void requestThresholdPreview();
    /// Asks the running or paused session for a what-if preview (Snapshot::previewPoints); returns
    /// why it was refused (empty on success). Thread-safe.
    QString requestPreview(const QString& method, double sparsity);
    /// Asks the running or paused session for a sensitivity scan (Snapshot::sensitivity); returns
    /// why it was refused (empty on success). cancelSensitivityScan ends a running one. Thread-safe.
    QString requestSensitivityScan(const core::SensitivitySettings& settings);
    void cancelSensitivityScan();
    /// Measures the session's model for deployment (Snapshot::deployment): at its next safe point
    /// while it runs or is paused, else at once on the worker thread, which then emits a snapshot.
    /// Returns why it was refused (empty on success). Thread-safe.
    QString requestDeploymentMeasurement(const std::vector<std::int64_t>& batches, int repeats);
    /// Writes a file of the session: at its next safe point while it runs or is paused, else at once
    /// on the worker thread. saved() reports the outcome, also a failure. Thread-safe.
    void requestSave(const core::SaveRequest& request);
    /// The session has loaded (and can be saved). Thread-safe.
    [[nodiscard]] bool hasSession();
    /// The recipe with the steering so far (the initial one before the session has loaded). Thread-safe.
    [[nodiscard]] core::Recipe currentRecipe();
    /// The settings in effect now (steering applied). Thread-safe.
    [[nodiscard]] core::Recipe effectiveRecipe();

    [[nodiscard]] const core::Recipe& recipe() const { return m_recipe; }

public Q_SLOTS:
    /// Loads model and data, then emits the session's first snapshot and prepared(), or failed().
    void prepare();
    /// Prepares if needed and runs the session to its end: finished(), stopped() or failed().
    void run();

Q_SIGNALS:
    void snapshotReady(espalier::app::SnapshotPtr snapshot);
    void logMessage(const QString& line);
    void prepared();
    void finished();
    void stopped();
    void failed(const QString& message);
    void layerTensorsReady(espalier::app::LayerTensorsPtr tensors);
    /// The outcome of a requestSave; `error` names the path and the reason when it failed.
    void saved(const espalier::core::SaveResult& result);

private:
    void copyLayerTensors(const QString& name);
    void measureDeploymentIdle(const std::vector<std::int64_t>& batches, int repeats);
    void writePendingSaves();
    /// After Stop: session.h5 at `path` (the autosave) as of the last finished epoch.
    void saveStoppedSession(const std::string& path);
    /// Session::run returned: saves it queued but did not reach a safe point for are written now.
    void endRun();

    enum class Pending { None, Pause, Step };
    bool ensureSession();
    void applyPending();

    const core::Recipe m_recipe;
    const QString m_sessionFile;
    const QString m_autosavePath;
    std::mutex m_mutex;
    std::unique_ptr<core::Session> m_session; // set once on the worker thread; commands read it under m_mutex
    Pending m_pending = Pending::None;        // guarded by m_mutex: a command that came before the session
    std::vector<core::SaveRequest> m_idleSaves;    // guarded by m_mutex: for writePendingSaves
    std::vector<core::SaveRequest> m_sessionSaves; // guarded by m_mutex: queued in the running session
    std::atomic<bool> m_stopRequested{false};
    std::atomic<bool> m_running{false}; // Session::run is executing: tensors are copied at its safe points
    QString m_error;       // worker thread only: why loading failed, repeated by a later run()
    bool m_ran = false;    // worker thread only: a Session runs once
};

/// The message of an exception for people: LibTorch's c10::Error appends a C++ backtrace, cut it.
QString errorMessage(const std::exception& error);

} // namespace espalier::app

Q_DECLARE_METATYPE(espalier::core::SaveResult)
