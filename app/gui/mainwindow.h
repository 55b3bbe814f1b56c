#pragma once

#include <QMainWindow>
#include <QTimer>

#include "app/gui/recipedocument.h"
#include "app/gui/snapshotptr.h"
#include "espalier/core/steering.h"

class QAction;
class QDockWidget;
class QMenu;

namespace espalier::widgets {
class CollapsePanel;
class CurveChart;
class HistoryPanel;
class SparsityCurveChart;
class SteeringPanel;
class PreviewPanel;
class SensitivityPanel;
class DeploymentPanel;
class DensityChart;
class LayerTable;
class LogView;
class MaskInspector;
class ProgressPanel;
class RecipeView;
class RunControls;
class SaliencyHistogramChart;
}

namespace espalier::app {

class ExportActions;
class SweepActions;
class LayerFocus;
class SessionController;

/// The Espalier window: a composition root that creates the widgets and the session controller,
/// wires them together and repaints from the latest snapshot at most every kRepaintMs.
/// Lives in: GUI thread.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    static constexpr int kRepaintMs = 33;

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Loads a recipe file and prepares its session; errors go to a message box and the log.
    bool openRecipe(const QString& path);
    /// Opens the recipe RecipeLocator finds; logs where it looked when there is none.
    bool openDefaultRecipe();
    /// Saves the recipe with the steering so far: `espalier-cli run` on it replays the session.
    bool saveRecipe(const QString& path);
    /// Opens the New session dialog, prefilled with the current recipe.
    void newSession();
    /// Draws the accuracy-vs-sparsity curve of a report.h5 on the sparsity chart, as a baseline.
    bool overlayReport(const QString& path);
    /// Opens a report.h5 read-only in a ReportWindow; errors go to a message box.
    bool openReport(const QString& path);
    /// Loads a session saved in session.h5; Start continues it where it stopped.
    bool openSession(const QString& path);
    /// Shows a sweep folder read-only in a SweepWindow; errors go to a message box.
    bool openSweep(const QString& folder);
    /// Prepares a session for a recipe that has no file yet (from the New session dialog or a
    /// report); `origin` says where it came from in the log.
    void openRecipeFrom(const core::Recipe& recipe, const QString& origin);
    void startSession();
    /// Quit the application when the session ends (exit code 0 finished, 1 failed, 2 stopped).
    void setQuitWhenDone(bool quit) { m_quitWhenDone = quit; }

    [[nodiscard]] SessionController* controller() const { return m_controller; }
    [[nodiscard]] const SnapshotPtr& latestSnapshot() const { return m_latest; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QDockWidget* addDock(const QString& title, const QString& objectName, QWidget* widget, Qt::DockWidgetArea area);
    void createDocks();
    void createMenus();
    void updateRecentMenu();
    /// Shows the document's recipe and prepares its session.
    /// Loads the document's recipe as the session, or continues `sessionFile` (session.h5).
    void useRecipe(const QString& sessionFile = {});
    void connectSession();
    void connectSteering();
    void connectWhatIf();
    /// Hands a change to the session; a refusal is shown on the panel and in the log.
    void steer(const core::SteeringChange& change);
    void onSnapshot(const SnapshotPtr& snapshot);
    void repaintFromSnapshot();
    void onStateChanged();
    void onSessionEnded(int exitCode);
    void showError(const QString& title, const QString& message);
    /// An export or sweep action's outcome in the log: an error when not `ok`.
    void logOutcome(const QString& message, bool ok);
    void updateTitle();
    void showAbout();

    SessionController* m_controller;
    RecipeDocument m_document;
    widgets::RunControls* m_runControls;
    widgets::ProgressPanel* m_progress;
    widgets::LayerTable* m_layerTable;
    widgets::DensityChart* m_densityChart;
    widgets::CurveChart* m_curveChart;
    widgets::SparsityCurveChart* m_sparsityCurve;
    widgets::SaliencyHistogramChart* m_histogram;
    widgets::MaskInspector* m_inspector;
    LayerFocus* m_focus;
    widgets::SteeringPanel* m_steering;
    widgets::PreviewPanel* m_preview;
    widgets::SensitivityPanel* m_sensitivity;
    widgets::DeploymentPanel* m_deployment;
    widgets::CollapsePanel* m_collapse;
    widgets::HistoryPanel* m_history;
    widgets::RecipeView* m_recipeView;
    widgets::LogView* m_log;
    QAction* m_openAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_newAction = nullptr;
    QMenu* m_recentMenu = nullptr;
    ExportActions* m_exports = nullptr;
    SweepActions* m_sweeps = nullptr;
    QTimer m_repaintTimer;
    SnapshotPtr m_latest;
    bool m_quitWhenDone = false;
    std::size_t m_warningsSeen = 0; // collapse warnings already announced
    void announceCollapseWarnings(const core::Snapshot& snapshot);
};

} // namespace espalier::app
