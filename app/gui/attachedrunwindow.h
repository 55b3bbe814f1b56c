#pragma once

#include <QMainWindow>

#include "app/gui/snapshotptr.h"
#include "espalier/core/liverun.h"

class QAction;
class QLabel;

namespace espalier::widgets {
class CollapsePanel;
class CurveChart;
class DensityChart;
class LayerTable;
class LogView;
class RoundsTable;
class RunControls;
class SparsityCurveChart;
}

namespace espalier::app {

class LiveRunWatcher;

/// A running `espalier-cli run` watched from the workbench (File ▸ Attach to run…): the live
/// charts of a local session, read-only, fed from the run folder's live.json; pause, resume and
/// stop are delivered to the run through requests.json and take effect at its next safe point.
/// Lives in: GUI thread.
class AttachedRunWindow : public QMainWindow {
    Q_OBJECT
public:
    /// A window on the run in `folder` (deleted when closed, not shown yet); nullptr with `error`
    /// set, naming the file, when the folder holds no live run.
    static AttachedRunWindow* attach(const QString& folder, QWidget* parent, QString* error);
    /// File ▸ Attach to run…: asks for a run folder and opens a window on it (a message box says
    /// why when it cannot).
    static QAction* createAttachAction(QWidget* parent);

    [[nodiscard]] LiveRunWatcher* watcher() const { return m_watcher; }
    [[nodiscard]] widgets::RunControls* runControls() const { return m_controls; }

private:
    AttachedRunWindow(LiveRunWatcher* watcher, QWidget* parent);
    void showSnapshot(const SnapshotPtr& snapshot);
    void send(core::RunRequest request, const QString& what);

    LiveRunWatcher* m_watcher;
    widgets::RunControls* m_controls;
    QLabel* m_status;
    widgets::LayerTable* m_layerTable;
    widgets::DensityChart* m_densityChart;
    widgets::CurveChart* m_curveChart;
    widgets::SparsityCurveChart* m_sparsityCurve;
    widgets::RoundsTable* m_rounds;
    widgets::CollapsePanel* m_collapse;
    widgets::LogView* m_events;
    std::size_t m_eventsShown = 0;
};

} // namespace espalier::app
