#include "app/gui/mainwindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDebug>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>
#include <QToolBar>

#include "app/gui/attachedrunwindow.h"
#include "app/gui/exportactions.h"
#include "app/gui/layerfocus.h"
#include "app/gui/newsessiondialog.h"
#include "app/gui/recipelocator.h"
#include "app/gui/reportcurve.h"
#include "app/gui/reportwindow.h"
#include "app/gui/sessioncontroller.h"
#include "app/gui/sweepactions.h"
#include "app/gui/whatifactions.h"
#include "app/gui/windowsettings.h"
#include "espalier/core/session.h"
#include "widgets/collapsepanel.h"
#include "widgets/curvechart.h"
#include "widgets/historypanel.h"
#include "widgets/previewpanel.h"
#include "widgets/deploymentpanel.h"
#include "widgets/sensitivitypanel.h"
#include "widgets/steeringpanel.h"
#include "widgets/densitychart.h"
#include "widgets/format.h"
#include "widgets/layertable.h"
#include "widgets/logview.h"
#include "widgets/maskinspector.h"
#include "widgets/progresspanel.h"
#include "widgets/recipeview.h"
#include "widgets/runcontrols.h"
#include "widgets/saliencyhistogram.h"
#include "widgets/sparsitycurvechart.h"

namespace espalier::app {

using core::SessionState;
using widgets::LogView;

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_controller(new SessionController(this)), m_runControls(new widgets::RunControls(this)),
      m_progress(new widgets::ProgressPanel(this)), m_layerTable(new widgets::LayerTable(this)),
      m_densityChart(new widgets::DensityChart(this)), m_curveChart(new widgets::CurveChart(this)),
      m_sparsityCurve(new widgets::SparsityCurveChart(this)),
      m_histogram(new widgets::SaliencyHistogramChart(this)), m_inspector(new widgets::MaskInspector(this)),
      m_focus(new LayerFocus(m_controller, m_layerTable, m_densityChart, m_histogram, m_inspector, this)),
      m_steering(new widgets::SteeringPanel(this)), m_preview(new widgets::PreviewPanel(this)),
      m_sensitivity(new widgets::SensitivityPanel(this)), m_deployment(new widgets::DeploymentPanel(this)),
      m_collapse(new widgets::CollapsePanel(this)),
      m_history(new widgets::HistoryPanel(this)), m_recipeView(new widgets::RecipeView(this)), m_log(new LogView(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    m_runControls->setObjectName(QStringLiteral("runControls"));
    m_progress->setObjectName(QStringLiteral("progressPanel"));
    m_layerTable->setObjectName(QStringLiteral("layerTable"));
    m_densityChart->setObjectName(QStringLiteral("densityChart"));
    m_curveChart->setObjectName(QStringLiteral("curveChart"));

    auto* toolBar = addToolBar(tr("Run"));
    toolBar->setObjectName(QStringLiteral("runToolBar"));
    toolBar->setMovable(false);
    toolBar->addWidget(m_runControls);
    toolBar->addSeparator();
    toolBar->addWidget(m_progress);

    m_sparsityCurve->setObjectName(QStringLiteral("sparsityCurve"));
    auto* charts = new QSplitter(Qt::Vertical, this);
    charts->addWidget(m_densityChart);
    charts->addWidget(m_curveChart);
    charts->addWidget(m_sparsityCurve);
    setCentralWidget(charts);

    createDocks();
    createMenus();
    connectSession();
    connectSteering();
    connectWhatIf();
    m_repaintTimer.setSingleShot(true);
    m_repaintTimer.setInterval(kRepaintMs);
    connect(&m_repaintTimer, &QTimer::timeout, this, &MainWindow::repaintFromSnapshot);
    connect(m_focus, &LayerFocus::selectionChanged, this,
            [this](const QString& name) { statusBar()->showMessage(tr("Selected %1").arg(name), 5000); });
    connect(m_inspector, &widgets::MaskInspector::hovered, this, [this](const QString& text) {
        if (!text.isEmpty())
            statusBar()->showMessage(text, 3000);
    });

    m_controller->setAutosaveFolder(WindowSettings::sessionsFolder()); // File ▸ Open session… continues them
    m_runControls->setCanStart(false);
    statusBar()->showMessage(tr("Open a recipe to start"));
    updateTitle();
    resize(1600, 1000);
    WindowSettings::restore(this);
}

MainWindow::~MainWindow()
{
    // The controller is a child and outlives this class's members; it must not call back into them.
    m_repaintTimer.stop();
    m_controller->disconnect(this);
    m_controller->shutdown();
}

QDockWidget* MainWindow::addDock(const QString& title, const QString& objectName, QWidget* widget,
                                 Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(widget);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::createDocks()
{
    // Left: the layers and what the user changes; centre: the charts; right: the selected layer;
    // bottom (under the charts only): the log and the collapse warnings.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    m_histogram->setObjectName(QStringLiteral("saliencyHistogram"));
    m_inspector->setObjectName(QStringLiteral("maskInspector"));
    m_log->setObjectName(QStringLiteral("logView"));
    m_steering->setObjectName(QStringLiteral("steeringPanel"));
    m_collapse->setObjectName(QStringLiteral("collapsePanel"));
    m_history->setObjectName(QStringLiteral("historyPanel"));

    QDockWidget* layersDock = addDock(tr("Layers"), QStringLiteral("layersDock"), m_layerTable, Qt::LeftDockWidgetArea);
    // Steering changes what the next rounds do; the what-if preview below it only looks.
    m_preview->setObjectName(QStringLiteral("previewPanel"));
    auto* steeringPage = new QWidget(this);
    auto* steeringLayout = new QVBoxLayout(steeringPage);
    steeringLayout->setContentsMargins(0, 0, 0, 0);
    steeringLayout->addWidget(m_steering);
    steeringLayout->addWidget(m_preview);
    steeringLayout->addStretch();
    QDockWidget* steeringDock =
        addDock(tr("Steering"), QStringLiteral("steeringDock"), steeringPage, Qt::LeftDockWidgetArea);
    splitDockWidget(layersDock, steeringDock, Qt::Vertical);
    QDockWidget* historyDock = addDock(tr("History"), QStringLiteral("historyDock"), m_history, Qt::LeftDockWidgetArea);
    QDockWidget* recipeDock = addDock(tr("Recipe"), QStringLiteral("recipeDock"), m_recipeView, Qt::LeftDockWidgetArea);
    m_sensitivity->setObjectName(QStringLiteral("sensitivityPanel"));
    QDockWidget* sensitivityDock =
        addDock(tr("Sensitivity"), QStringLiteral("sensitivityDock"), m_sensitivity, Qt::LeftDockWidgetArea);
    tabifyDockWidget(steeringDock, historyDock);
    tabifyDockWidget(historyDock, sensitivityDock);
    m_deployment->setObjectName(QStringLiteral("deploymentPanel"));
    QDockWidget* deploymentDock =
        addDock(tr("Deployment"), QStringLiteral("deploymentDock"), m_deployment, Qt::LeftDockWidgetArea);
    tabifyDockWidget(sensitivityDock, deploymentDock);
    tabifyDockWidget(deploymentDock, recipeDock);
    steeringDock->raise();

    QDockWidget* histogramDock =
        addDock(tr("Saliency histogram"), QStringLiteral("histogramDock"), m_histogram, Qt::RightDockWidgetArea);
    QDockWidget* inspectorDock =
        addDock(tr("Mask inspector"), QStringLiteral("inspectorDock"), m_inspector, Qt::RightDockWidgetArea);
    splitDockWidget(histogramDock, inspectorDock, Qt::Vertical);

    QDockWidget* logDock = addDock(tr("Log and events"), QStringLiteral("logDock"), m_log, Qt::BottomDockWidgetArea);
    QDockWidget* collapseDock =
        addDock(tr("Layer collapse"), QStringLiteral("collapseDock"), m_collapse, Qt::BottomDockWidgetArea);
    tabifyDockWidget(logDock, collapseDock);
    logDock->raise();

    resizeDocks({layersDock, histogramDock}, {470, 440}, Qt::Horizontal);
    resizeDocks({layersDock, steeringDock}, {330, 420}, Qt::Vertical);
    resizeDocks({histogramDock, inspectorDock}, {330, 420}, Qt::Vertical);
    resizeDocks({logDock}, {190}, Qt::Vertical);
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_newAction = file->addAction(tr("&New session…"), QKeySequence::New, this, &MainWindow::newSession);
    m_newAction->setToolTip(tr("Choose model, data, method and training for a new session"));
    m_openAction = file->addAction(tr("&Open recipe…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open recipe"), m_document.path(),
                                                          tr("Recipes (*.json);;All files (*)"));
        if (!path.isEmpty())
            openRecipe(path);
    });
    file->addAction(tr("Open s&ession…"), QKeySequence(tr("Ctrl+Shift+O")), this, [this] {
            const QString path = QFileDialog::getOpenFileName(this, tr("Open a session"), WindowSettings::sessionsFolder(),
                                                              tr("Espalier sessions (*.h5);;All files (*)"));
            if (!path.isEmpty())
                openSession(path);
        })->setToolTip(tr("Continue a session from its session.h5 (saved after every round, or with File ▸ Export)"));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    updateRecentMenu();
    m_saveAction = file->addAction(tr("&Save recipe as…"), QKeySequence::SaveAs, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save recipe"), m_document.path(),
                                                          tr("Recipes (*.json)"));
        if (!path.isEmpty())
            saveRecipe(path);
    });
    m_saveAction->setToolTip(tr("Save the recipe with every change made while it ran; espalier-cli run replays it"));
    m_saveAction->setEnabled(false);
    m_exports = new ExportActions(m_controller, this);
    file->addMenu(m_exports->menu());
    connect(m_exports, &ExportActions::exported, this, &MainWindow::logOutcome);
    file->addSeparator();
    file->addAction(tr("Open re&port…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a report"), WindowSettings::fileFolder(),
                                                          tr("Espalier reports (*.h5);;All files (*)"));
        if (!path.isEmpty())
            openReport(path);
    })->setToolTip(tr("Show a report.h5 read-only: layers, masks, histograms, rounds and curves"));
    file->addAction(tr("Overlay a report's &curve…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Overlay a report"), QString(),
                                                          tr("Espalier reports (*.h5);;All files (*)"));
        if (!path.isEmpty())
            overlayReport(path);
    })->setToolTip(tr("Draw the accuracy-vs-sparsity curve of an earlier run (report.h5) as a baseline"));
    file->addAction(tr("C&lear overlay"), this, [this] { m_sparsityCurve->clearBaseline(); });
    file->addSeparator();
    m_sweeps = new SweepActions(this);
    file->addAction(m_sweeps->newSweepAction());
    file->addAction(m_sweeps->openSweepAction());
    file->addAction(AttachedRunWindow::createAttachAction(this));
    connect(m_sweeps, &SweepActions::logMessage, this, &MainWindow::logOutcome);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    const auto docks = findChildren<QDockWidget*>();
    for (QDockWidget* dock : docks)
        view->addAction(dock->toggleViewAction());
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Espalier"), this, &MainWindow::showAbout);
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = WindowSettings::recentRecipes();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openRecipe(path); })->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::connectSession()
{
    using widgets::RunControls;
    connect(m_runControls, &RunControls::startRequested, this, &MainWindow::startSession);
    connect(m_runControls, &RunControls::pauseRequested, m_controller, &SessionController::pause);
    connect(m_runControls, &RunControls::stepRequested, m_controller, &SessionController::step);
    connect(m_runControls, &RunControls::resumeRequested, m_controller, &SessionController::resume);
    connect(m_runControls, &RunControls::stopRequested, m_controller, &SessionController::stop);

    connect(m_controller, &SessionController::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_controller, &SessionController::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_controller, &SessionController::logMessage, this, [this](const QString& line) {
        const bool warning = line.startsWith(QLatin1String("warning"), Qt::CaseInsensitive);
        m_log->appendMessage(line, warning ? LogView::Severity::Warning : LogView::Severity::Info);
    });
    connect(m_controller, &SessionController::finished, this, [this] {
        m_log->appendMessage(tr("Session finished"));
        onSessionEnded(0);
    });
    connect(m_controller, &SessionController::stopped, this, [this] {
        m_log->appendMessage(tr("Session stopped by the user"), LogView::Severity::Warning);
        onSessionEnded(2);
    });
    connect(m_controller, &SessionController::failed, this, [this](const QString& message) {
        showError(tr("The session failed"), message);
        onSessionEnded(1);
    });
}

void MainWindow::connectSteering()
{
    connect(m_steering, &widgets::SteeringPanel::steeringRequested, this, &MainWindow::steer);
    connect(m_layerTable, &widgets::LayerTable::lockToggled, this, [this](const QString& name, bool locked) {
        core::SteeringChange change;
        change.locks[name.toStdString()] = locked;
        steer(change);
    });
    connect(m_layerTable, &widgets::LayerTable::floorEdited, this, [this](const QString& name, double density) {
        core::SteeringChange change;
        change.floors[name.toStdString()] = density;
        steer(change);
    });
    connect(m_history, &widgets::HistoryPanel::rollbackRequested, this, [this](int round) {
        const QString error = m_controller->rollback(round);
        if (!error.isEmpty())
            showError(tr("Cannot roll back"), error);
        else
            m_log->appendMessage(tr("Rolling back to the end of round %1…").arg(round));
    });
    connect(m_collapse, &widgets::CollapsePanel::warningActivated, m_focus, &LayerFocus::select);
}

bool MainWindow::overlayReport(const QString& path)
{
    QString error;
    const auto curve = readReportCurve(path, &error);
    if (!curve) {
        showError(tr("Cannot overlay the report"), error);
        return false;
    }
    m_sparsityCurve->setBaseline(QFileInfo(path).fileName(), curve->sparsity, curve->accuracy);
    m_log->appendMessage(tr("Overlaid the curve of %1").arg(path));
    return true;
}

bool MainWindow::openReport(const QString& path)
{
    WindowSettings::setFileFolder(path);
    QString error;
    ReportWindow* window = ReportWindow::open(path, this, &error);
    if (!window) {
        showError(tr("Cannot open the report"), error);
        return false;
    }
    connect(window, &ReportWindow::openAsRecipeRequested, this, [this](const core::Recipe& recipe, const QString& from) {
        openRecipeFrom(recipe, tr("the recipe of %1").arg(from));
        raise();
        activateWindow();
    });
    window->show();
    m_log->appendMessage(tr("Opened report %1").arg(path));
    return true;
}

bool MainWindow::openSweep(const QString& folder)
{
    return m_sweeps->openSweep(folder) != nullptr;
}

void MainWindow::connectWhatIf()
{
    auto* whatIf = new WhatIfActions(m_controller, m_preview, m_sensitivity, m_deployment, this);
    connect(whatIf, &WhatIfActions::logMessage, this, &MainWindow::logOutcome);
    connect(whatIf, &WhatIfActions::steeringRequested, this, &MainWindow::steer);
}

void MainWindow::steer(const core::SteeringChange& change)
{
    const QString error = m_controller->steer(change);
    if (error.isEmpty()) {
        if (m_controller->state() == SessionState::Paused)
            m_controller->requestThresholdPreview(); // the preview must show the new settings
        return;
    }
    // The core names the key first ("target_sparsity: …", "floors.fc1.weight: …"): mark that field.
    const QString key = error.section(QLatin1Char(':'), 0, 0).section(QLatin1Char(' '), 0, 0);
    m_steering->showError(key, error);
    m_log->appendMessage(tr("Steering refused: %1").arg(error), LogView::Severity::Warning);
}

bool MainWindow::openRecipe(const QString& path)
{
    try {
        m_document.load(path);
    } catch (const std::exception& error) {
        showError(tr("Cannot open the recipe"), QString::fromStdString(error.what()));
        return false;
    }
    m_log->appendMessage(tr("Opened recipe %1").arg(m_document.path()));
    WindowSettings::addRecentRecipe(m_document.path());
    updateRecentMenu();
    useRecipe();
    return true;
}

bool MainWindow::openSession(const QString& path)
{
    std::pair<core::Recipe, std::string> peeked;
    try {
        peeked = core::Session::peekSessionFile(path.toStdString());
    } catch (const std::exception& error) {
        showError(tr("Cannot open the session"), QString::fromStdString(error.what()));
        return false;
    }
    if (m_controller->isActive())
        m_controller->stop();
    m_document.setRecipe(peeked.first);
    m_log->appendMessage(tr("Opened session %1: Start continues it %2")
                             .arg(path, QString::fromStdString(peeked.second)));
    useRecipe(path);
    return true;
}

void MainWindow::useRecipe(const QString& sessionFile)
{
    m_recipeView->setRecipe(m_document.recipe(), m_document.path());
    m_latest.reset();
    m_progress->clear();
    m_focus->clear();
    m_collapse->clear();
    m_preview->resetChoice();
    m_history->clear();
    m_warningsSeen = 0;
    m_controller->loadSession(sessionFile, m_document.recipe());
    m_runControls->setCanStart(true);
    m_saveAction->setEnabled(true);
    repaintFromSnapshot();
    updateTitle();
    statusBar()->showMessage(tr("Loading model and data…"));
}

void MainWindow::newSession()
{
    auto* dialog = new NewSessionDialog(this);
    dialog->setObjectName(QStringLiteral("newSessionDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_document.isEmpty())
        dialog->setRecipe(m_document.recipe());
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { openRecipeFrom(dialog->recipe(), tr("the dialog")); });
    dialog->open();
}

void MainWindow::openRecipeFrom(const core::Recipe& recipe, const QString& origin)
{
    if (m_controller->isActive())
        m_controller->stop();
    m_log->appendMessage(tr("New session from %1").arg(origin));
    m_document.setRecipe(recipe);
    useRecipe();
}

bool MainWindow::openDefaultRecipe()
{
    const QString path = RecipeLocator::defaultRecipePath();
    if (path.isEmpty()) {
        m_recipeView->clear(tr("no default recipe found"));
        const QString message = tr("No default recipe found; looked for %1. Use File ▸ Open recipe…")
                                    .arg(RecipeLocator::searchPaths().join(QStringLiteral(", ")));
        m_log->appendMessage(message, LogView::Severity::Warning);
        qWarning().noquote() << message;
        return false;
    }
    return openRecipe(path);
}

bool MainWindow::saveRecipe(const QString& path)
{
    try {
        m_document.setRecipe(m_controller->currentRecipe());
        m_document.saveAs(path);
    } catch (const std::exception& error) {
        showError(tr("Cannot save the recipe"), QString::fromStdString(error.what()));
        return false;
    }
    m_log->appendMessage(tr("Saved recipe to %1").arg(m_document.path()));
    m_recipeView->setRecipe(m_document.recipe(), m_document.path());
    updateTitle();
    return true;
}

void MainWindow::startSession()
{
    if (m_document.isEmpty())
        return;
    m_log->appendMessage(tr("Starting %1").arg(m_document.displayName()));
    m_controller->start();
}

void MainWindow::onSnapshot(const SnapshotPtr& snapshot)
{
    m_latest = snapshot;
    if (!m_repaintTimer.isActive()) // coalesce: at most one repaint per kRepaintMs
        m_repaintTimer.start();
}

void MainWindow::repaintFromSnapshot()
{
    static const core::Snapshot kEmpty;
    const core::Snapshot& snapshot = m_latest ? *m_latest : kEmpty;
    m_layerTable->setLayers(snapshot.layers);
    m_densityChart->setLayers(snapshot.layers, m_latest ? snapshot.targetSparsity : 0.0);
    m_curveChart->setSnapshot(snapshot);
    m_sparsityCurve->setSnapshot(snapshot);
    std::optional<double> dense;
    for (const auto& e : snapshot.epochs)
        if (e.phase == "pretrain" && e.branch == 0)
            dense = e.testAccuracy; // the last pretraining epoch: what pruning is measured against
    m_sparsityCurve->setDenseAccuracy(dense);
    m_focus->setSnapshot(snapshot);
    m_collapse->setSnapshot(snapshot);
    announceCollapseWarnings(snapshot);
    m_history->setSnapshot(snapshot);
    if (m_latest) {
        const auto recipe = m_controller->effectiveRecipe();
        m_steering->setSession(recipe, snapshot);
        m_preview->setSessionDefaults(QString::fromStdString(recipe.method), recipe.targetSparsity);
        m_sensitivity->setState(snapshot.sensitivity);
        m_deployment->setState(snapshot.deployment, snapshot.round, snapshot.sparsity);
        m_deployment->setAvailable(snapshot.state != SessionState::Failed);
    }
    if (m_latest)
        m_progress->setSnapshot(snapshot);
    m_progress->setState(m_controller->state()); // commands show before the session confirms them
    if (m_latest && !m_controller->isActive() && snapshot.phase == "ready")
        statusBar()->showMessage(tr("Ready: press Start to run the recipe"));
}

void MainWindow::announceCollapseWarnings(const core::Snapshot& snapshot)
{
    const auto& warnings = snapshot.collapseWarnings;
    if (warnings.size() < m_warningsSeen)
        m_warningsSeen = 0; // a new session
    QString blocked;
    for (std::size_t i = m_warningsSeen; i < warnings.size(); ++i)
        if (warnings[i].action == "blocked" && blocked.isEmpty())
            blocked = QString::fromStdString(warnings[i].message);
    m_warningsSeen = warnings.size();
    if (blocked.isEmpty())
        return;
    // "block" refused the round and the session paused before it: say what to do next.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Espalier"),
                                tr("Layer collapse: the round was refused\n\n%1\n\nThe session is paused before "
                                   "that round. Lower the target sparsity, set floors or locks in the layer table, or "
                                   "choose collapse policy clamp or allow in Steering, then press Resume.")
                                    .arg(blocked),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("collapseBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::onStateChanged()
{
    const SessionState state = m_controller->state();
    m_runControls->setState(state);
    m_steering->setEnabledForState(state);
    m_preview->setAvailable(state == SessionState::Running || state == SessionState::Paused);
    m_sensitivity->setAvailable(state == SessionState::Running || state == SessionState::Paused);
    m_deployment->setAvailable(state != SessionState::Failed && m_controller->hasSession());
    m_history->setState(state);
    m_layerTable->setEditable(state == SessionState::Idle || state == SessionState::Running ||
                              state == SessionState::Paused);
    m_progress->setState(state);
    m_openAction->setEnabled(!m_controller->isActive());
    statusBar()->showMessage(widgets::stateText(state));
}

void MainWindow::onSessionEnded(int exitCode)
{
    m_focus->sessionEnded();
    repaintFromSnapshot(); // the final snapshot, without waiting for the timer
    if (m_quitWhenDone)
        QTimer::singleShot(200, qApp, [exitCode] { QCoreApplication::exit(exitCode); });
}

void MainWindow::logOutcome(const QString& message, bool ok)
{
    m_log->appendMessage(message, ok ? LogView::Severity::Info : LogView::Severity::Error);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    m_log->appendMessage(title + QStringLiteral(": ") + message, LogView::Severity::Error);
    qWarning().noquote() << title + QStringLiteral(":") << message; // for --quit-when-done in scripts
    // Window-modal and asynchronous: a running session keeps updating behind it.
    // One label for headline and message: QMessageBox sizes itself by its main text only.
    auto* box = new QMessageBox(QMessageBox::Critical, tr("Espalier"), title + QStringLiteral("\n\n") + message,
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::updateTitle()
{
    setWindowTitle(m_document.isEmpty() ? tr("Espalier")
                                        : tr("%1 – Espalier").arg(m_document.displayName()));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Espalier"),
                       tr("<h3>Espalier %1</h3><p>A desktop workbench for pruning neural networks: "
                          "watch per-layer density, layer collapse and accuracy while the network is "
                          "pruned, and steer the run.</p><p>Qt %2, LibTorch core.</p>")
                           .arg(QCoreApplication::applicationVersion(), QLatin1String(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    WindowSettings::save(this);
    m_repaintTimer.stop();
    m_controller->shutdown(); // stop → quit → wait: the session never outlives the window
    event->accept();
}

} // namespace espalier::app
