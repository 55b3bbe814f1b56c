#include "app/gui/attachedrunwindow.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>

#include "app/gui/liverunwatcher.h"
#include "widgets/collapsepanel.h"
#include "widgets/curvechart.h"
#include "widgets/densitychart.h"
#include "widgets/layertable.h"
#include "widgets/logview.h"
#include "widgets/roundstable.h"
#include "widgets/runcontrols.h"
#include "widgets/sparsitycurvechart.h"

namespace espalier::app {

QAction* AttachedRunWindow::createAttachAction(QWidget* parent)
{
    auto* action = new QAction(tr("&Attach to run…"), parent);
    action->setObjectName(QStringLiteral("attachAction"));
    action->setToolTip(tr("Watch an espalier-cli run in its --out folder: live charts, pause, resume, stop"));
    connect(action, &QAction::triggered, parent, [parent] {
        const QString folder = QFileDialog::getExistingDirectory(parent, tr("Attach to a run folder"));
        if (folder.isEmpty())
            return;
        QString error;
        if (auto* window = attach(folder, parent, &error))
            window->show();
        else
            QMessageBox::warning(parent, tr("Cannot attach"), error);
    });
    return action;
}

AttachedRunWindow* AttachedRunWindow::attach(const QString& folder, QWidget* parent, QString* error)
{
    auto* window = new AttachedRunWindow(new LiveRunWatcher(QDir(folder).absolutePath()), parent);
    QString message;
    if (!window->m_watcher->poll(&message)) { // the first snapshot, shown at once
        if (error)
            *error = message;
        delete window;
        return nullptr;
    }
    return window;
}

AttachedRunWindow::AttachedRunWindow(LiveRunWatcher* watcher, QWidget* parent)
    : QMainWindow(parent), m_watcher(watcher), m_controls(new widgets::RunControls(this)),
      m_status(new QLabel(this)), m_layerTable(new widgets::LayerTable(this)),
      m_densityChart(new widgets::DensityChart(this)), m_curveChart(new widgets::CurveChart(this)),
      m_sparsityCurve(new widgets::SparsityCurveChart(this)), m_rounds(new widgets::RoundsTable(this)),
      m_collapse(new widgets::CollapsePanel(this)), m_events(new widgets::LogView(this))
{
    setAttribute(Qt::WA_DeleteOnClose);
    watcher->setParent(this);
    setObjectName(QStringLiteral("attachedRunWindow"));
    setWindowTitle(tr("%1 — attached run — Espalier").arg(QDir(watcher->folder()).dirName()));
    setWindowFilePath(watcher->folder());

    auto* toolBar = addToolBar(tr("Run"));
    toolBar->setObjectName(QStringLiteral("runToolBar"));
    toolBar->setMovable(false);
    m_controls->setCanStart(false); // the run was started elsewhere
    m_controls->stepButton()->hide(); // a CLI run takes pause, resume and stop
    toolBar->addWidget(m_controls);
    m_status->setObjectName(QStringLiteral("attachedStatus"));
    m_status->setContentsMargins(8, 0, 8, 0);
    toolBar->addWidget(m_status);

    m_layerTable->setObjectName(QStringLiteral("layerTable"));
    m_layerTable->setEditable(false);
    m_densityChart->setObjectName(QStringLiteral("densityChart"));
    m_curveChart->setObjectName(QStringLiteral("curveChart"));
    m_sparsityCurve->setObjectName(QStringLiteral("sparsityCurve"));
    m_rounds->setObjectName(QStringLiteral("roundsTable"));
    m_events->setObjectName(QStringLiteral("eventsView"));
    auto* charts = new QSplitter(Qt::Vertical, this);
    charts->addWidget(m_densityChart);
    charts->addWidget(m_curveChart);
    charts->addWidget(m_sparsityCurve);
    setCentralWidget(charts);
    const auto addDock = [this](const QString& title, QWidget* widget, Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(widget->objectName() + QStringLiteral("Dock"));
        dock->setWidget(widget);
        dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
        addDockWidget(area, dock);
        return dock;
    };
    addDock(tr("Layers"), m_layerTable, Qt::LeftDockWidgetArea);
    QDockWidget* rounds = addDock(tr("Rounds"), m_rounds, Qt::BottomDockWidgetArea);
    tabifyDockWidget(rounds, addDock(tr("Collapse"), m_collapse, Qt::BottomDockWidgetArea));
    tabifyDockWidget(rounds, addDock(tr("Events"), m_events, Qt::BottomDockWidgetArea));
    rounds->raise();

    connect(m_watcher, &LiveRunWatcher::snapshotRead, this, &AttachedRunWindow::showSnapshot);
    connect(m_watcher, &LiveRunWatcher::readFailed, this, [this](const QString& message) {
        m_events->appendMessage(message, widgets::LogView::Severity::Warning);
    });
    connect(m_controls, &widgets::RunControls::pauseRequested, this,
            [this] { send(core::RunRequest::Pause, tr("pause")); });
    connect(m_controls, &widgets::RunControls::resumeRequested, this,
            [this] { send(core::RunRequest::Resume, tr("resume")); });
    connect(m_controls, &widgets::RunControls::stopRequested, this, [this] { send(core::RunRequest::Stop, tr("stop")); });
    resize(1400, 900);
}

void AttachedRunWindow::send(core::RunRequest request, const QString& what)
{
    QString error;
    if (!m_watcher->request(request, &error)) {
        m_events->appendMessage(tr("Could not send the request: %1").arg(error), widgets::LogView::Severity::Warning);
        return;
    }
    statusBar()->showMessage(tr("Asked the run to %1; it acts at its next safe point").arg(what), 5000);
}

void AttachedRunWindow::showSnapshot(const SnapshotPtr& snapshot)
{
    const core::Snapshot& s = *snapshot;
    m_controls->setState(s.state);
    m_layerTable->setLayers(s.layers);
    m_densityChart->setLayers(s.layers, s.targetSparsity);
    m_curveChart->setSnapshot(s);
    m_sparsityCurve->setSnapshot(s);
    m_rounds->setRounds(s.rounds);
    m_collapse->setSnapshot(s);
    for (; m_eventsShown < s.events.size(); ++m_eventsShown)
        m_events->appendMessage(QString::fromStdString(s.events[m_eventsShown]));
    m_status->setText(tr("Watching %1 (read-only): %2, round %3 of %4, epoch %5, %6 % sparse")
                          .arg(m_watcher->folder(), QString::fromStdString(s.phase))
                          .arg(s.round)
                          .arg(s.totalRounds)
                          .arg(s.epoch)
                          .arg(100.0 * s.sparsity, 0, 'f', 2));
}

} // namespace espalier::app
