#pragma once

#include <optional>

#include <QMainWindow>
#include <QPointer>

#include "app/gui/snapshotptr.h"
#include "app/gui/sweepworker.h"
#include "espalier/core/sweep.h"

class QAction;
class QLabel;
class QThread;

namespace espalier::widgets {
class LogView;
class ParetoChart;
class SweepCellTable;
}

namespace espalier::app {

/// A sweep in a window of its own: the Pareto chart, the cells, a progress line with the running
/// cell and its epoch, and the log. It either runs a sweep on a worker thread of its own (Stop
/// stops the running cell at its next safe point) or shows a sweep folder read-only; Continue
/// runs the cells a stopped or reopened sweep has not finished. Closing the window stops the
/// sweep (stop → quit → wait). Lives in: GUI thread.
class SweepWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit SweepWindow(QWidget* parent = nullptr);
    ~SweepWindow() override;

    /// Reads the sweep folder `folder` and opens a read-only window on it (deleted when closed, not
    /// shown yet); nullptr with `error` set, naming the folder, when it is not a sweep folder.
    static SweepWindow* open(const QString& folder, QWidget* parent, QString* error);

    /// Runs `spec` into `folder` (cells finished there already are skipped).
    void run(core::SweepSpec spec, const QString& folder);
    void stop();
    /// Runs the unfinished cells of the sweep shown, from the spec it ran with or its sweep.json.
    void continueSweep();

    [[nodiscard]] bool isRunning() const { return !m_worker.isNull(); }
    [[nodiscard]] const core::SweepResults& results() const { return m_results; }
    [[nodiscard]] const QString& folder() const { return m_folder; }

Q_SIGNALS:
    /// The sweep ran to its end (failed cells included).
    void finished();
    void stopped();
    /// The sweep could not run: a bad spec, a folder of another sweep, an unwritable folder.
    void failed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createDocks();
    void showResults(const core::SweepResults& results);
    void showSnapshot(const SnapshotPtr& snapshot);
    /// After the worker ended: the folder as written, so a cut-short cell no longer shows as running.
    void reloadFolder();
    void onEnded();
    void updateActions();
    void updateProgress();
    void shutdownWorker();

    widgets::ParetoChart* m_chart;
    widgets::SweepCellTable* m_cells;
    widgets::LogView* m_log;
    QLabel* m_progress;
    QAction* m_stopAction;
    QAction* m_continueAction;
    QThread* m_thread;
    QPointer<SweepWorker> m_worker;
    std::optional<core::SweepSpec> m_spec; // what Continue runs
    QString m_continueError;               // why Continue cannot run (no spec)
    QString m_folder;
    QString m_ending; // "Stopped", "Failed: …" after the run ended that way
    core::SweepResults m_results;
    SnapshotPtr m_snapshot; // of the running cell
};

} // namespace espalier::app
