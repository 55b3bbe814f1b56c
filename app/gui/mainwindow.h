#pragma once

#include <QMainWindow>
#include <QTimer>

#include "app/gui/recipedocument.h"
#include "app/gui/snapshotptr.h"

class QAction;

namespace espalier::widgets {
class CurveChart;
class DensityChart;
class LayerTable;
class LogView;
class ProgressPanel;
class RecipeView;
class RunControls;
}

namespace espalier::app {

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
    bool saveRecipe(const QString& path);
    void startSession();
    /// Quit the application when the session ends (exit code 0 finished, 1 failed, 2 stopped).
    void setQuitWhenDone(bool quit) { m_quitWhenDone = quit; }

    [[nodiscard]] SessionController* controller() const { return m_controller; }
    [[nodiscard]] const SnapshotPtr& latestSnapshot() const { return m_latest; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createDocks();
    void createMenus();
    void connectSession();
    void onSnapshot(const SnapshotPtr& snapshot);
    void repaintFromSnapshot();
    void onStateChanged();
    void onSessionEnded(int exitCode);
    void showError(const QString& title, const QString& message);
    void updateTitle();
    void showAbout();

    SessionController* m_controller;
    RecipeDocument m_document;
    widgets::RunControls* m_runControls;
    widgets::ProgressPanel* m_progress;
    widgets::LayerTable* m_layerTable;
    widgets::DensityChart* m_densityChart;
    widgets::CurveChart* m_curveChart;
    widgets::RecipeView* m_recipeView;
    widgets::LogView* m_log;
    QAction* m_openAction = nullptr;
    QAction* m_saveAction = nullptr;
    QTimer m_repaintTimer;
    SnapshotPtr m_latest;
    bool m_quitWhenDone = false;
};

} // namespace espalier::app
