#include "app/gui/mainwindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDebug>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>

#include "app/gui/recipelocator.h"
#include "app/gui/sessioncontroller.h"
#include "widgets/curvechart.h"
#include "widgets/densitychart.h"
#include "widgets/format.h"
#include "widgets/layertable.h"
#include "widgets/logview.h"
#include "widgets/progresspanel.h"
#include "widgets/recipeview.h"
#include "widgets/runcontrols.h"

namespace espalier::app {

using core::SessionState;
using widgets::LogView;

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_controller(new SessionController(this)), m_runControls(new widgets::RunControls(this)),
      m_progress(new widgets::ProgressPanel(this)), m_layerTable(new widgets::LayerTable(this)),
      m_densityChart(new widgets::DensityChart(this)), m_curveChart(new widgets::CurveChart(this)),
      m_recipeView(new widgets::RecipeView(this)), m_log(new LogView(this))
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

    auto* charts = new QSplitter(Qt::Vertical, this);
    charts->addWidget(m_densityChart);
    charts->addWidget(m_curveChart);
    auto* central = new QSplitter(Qt::Horizontal, this);
    central->addWidget(m_layerTable);
    central->addWidget(charts);
    central->setStretchFactor(0, 1);
    central->setStretchFactor(1, 2);
    central->setSizes({480, 960}); // scaled to the window: a third for the table, the rest for charts
    setCentralWidget(central);

    createDocks();
    createMenus();
    connectSession();
    m_repaintTimer.setSingleShot(true);
    m_repaintTimer.setInterval(kRepaintMs);
    connect(&m_repaintTimer, &QTimer::timeout, this, &MainWindow::repaintFromSnapshot);
    connect(m_layerTable, &widgets::LayerTable::layerSelected, this,
            [this](const QString& name) { statusBar()->showMessage(tr("Selected %1").arg(name), 5000); });
    connect(m_densityChart, &widgets::DensityChart::layerClicked, m_layerTable, &widgets::LayerTable::selectLayer);

    m_runControls->setCanStart(false);
    statusBar()->showMessage(tr("Open a recipe to start"));
    updateTitle();
    resize(1440, 900);
}

MainWindow::~MainWindow()
{
    // The controller is a child and outlives this class's members; it must not call back into them.
    m_repaintTimer.stop();
    m_controller->disconnect(this);
    m_controller->shutdown();
}

void MainWindow::createDocks()
{
    // Both docks sit under the charts, so the live views get the full width of the window.
    auto* logDock = new QDockWidget(tr("Log and events"), this);
    logDock->setObjectName(QStringLiteral("logDock"));
    m_log->setObjectName(QStringLiteral("logView"));
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    auto* recipeDock = new QDockWidget(tr("Recipe"), this);
    recipeDock->setObjectName(QStringLiteral("recipeDock"));
    recipeDock->setWidget(m_recipeView);
    addDockWidget(Qt::BottomDockWidgetArea, recipeDock);
    splitDockWidget(logDock, recipeDock, Qt::Horizontal);
    resizeDocks({logDock}, {220}, Qt::Vertical);
    resizeDocks({logDock, recipeDock}, {900, 420}, Qt::Horizontal);
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_openAction = file->addAction(tr("&Open recipe…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open recipe"), m_document.path(),
                                                          tr("Recipes (*.json);;All files (*)"));
        if (!path.isEmpty())
            openRecipe(path);
    });
    m_saveAction = file->addAction(tr("&Save recipe as…"), QKeySequence::SaveAs, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save recipe"), m_document.path(),
                                                          tr("Recipes (*.json)"));
        if (!path.isEmpty())
            saveRecipe(path);
    });
    m_saveAction->setEnabled(false);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    const auto docks = findChildren<QDockWidget*>();
    for (QDockWidget* dock : docks)
        view->addAction(dock->toggleViewAction());
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Espalier"), this, &MainWindow::showAbout);
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

bool MainWindow::openRecipe(const QString& path)
{
    try {
        m_document.load(path);
    } catch (const std::exception& error) {
        showError(tr("Cannot open the recipe"), QString::fromStdString(error.what()));
        return false;
    }
    m_log->appendMessage(tr("Opened recipe %1").arg(m_document.path()));
    m_recipeView->setRecipe(m_document.recipe(), m_document.path());
    m_latest.reset();
    m_progress->clear();
    m_controller->load(m_document.recipe());
    m_runControls->setCanStart(true);
    m_saveAction->setEnabled(true);
    repaintFromSnapshot();
    updateTitle();
    statusBar()->showMessage(tr("Loading model and data…"));
    return true;
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
    m_curveChart->setHistory(snapshot.epochs, snapshot.rounds, snapshot.round);
    if (m_latest)
        m_progress->setSnapshot(snapshot);
    m_progress->setState(m_controller->state()); // commands show before the session confirms them
    if (m_latest && !m_controller->isActive() && snapshot.phase == "ready")
        statusBar()->showMessage(tr("Ready: press Start to run the recipe"));
}

void MainWindow::onStateChanged()
{
    const SessionState state = m_controller->state();
    m_runControls->setState(state);
    m_progress->setState(state);
    m_openAction->setEnabled(!m_controller->isActive());
    statusBar()->showMessage(widgets::stateText(state));
}

void MainWindow::onSessionEnded(int exitCode)
{
    repaintFromSnapshot(); // the final snapshot, without waiting for the timer
    if (m_quitWhenDone)
        QTimer::singleShot(200, qApp, [exitCode] { QCoreApplication::exit(exitCode); });
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
    m_repaintTimer.stop();
    m_controller->shutdown(); // stop → quit → wait: the session never outlives the window
    event->accept();
}

} // namespace espalier::app
