#include "app/gui/sweepwindow.h"

#include <algorithm>

#include <QCloseEvent>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QStatusBar>
#include <QThread>
#include <QToolBar>

#include "app/gui/pruningworker.h"
#include "app/gui/sweepcontinuation.h"
#include "widgets/format.h"
#include "widgets/logview.h"
#include "widgets/paretochart.h"
#include "widgets/sweepcelltable.h"

namespace espalier::app {

using widgets::LogView;

namespace {

int countCells(const core::SweepResults& results, core::CellStatus status)
{
    return int(std::count_if(results.cells.begin(), results.cells.end(),
                             [status](const core::SweepCellResult& cell) { return cell.status == status; }));
}

int doneCount(const core::SweepResults& results) { return countCells(results, core::CellStatus::Done); }

/// "snip at 98.00 %, seed 1"
QString cellText(const core::SweepCellResult& cell)
{
    return SweepWindow::tr("%1 at %2, seed %3")
        .arg(QString::fromStdString(cell.method), widgets::formatPercent(cell.sparsity))
        .arg(cell.seed);
}

/// "Fine-tuning, round 1/1, epoch 2/5" for the running cell's snapshot.
QString phaseProgress(const core::Snapshot& snapshot)
{
    QString text = widgets::phaseText(snapshot.phase);
    if (snapshot.totalRounds > 0 && snapshot.round > 0)
        text += SweepWindow::tr(", round %1/%2").arg(snapshot.round).arg(snapshot.totalRounds);
    if (snapshot.totalEpochs > 0)
        text += SweepWindow::tr(", epoch %1/%2").arg(std::max(snapshot.epoch, 1)).arg(snapshot.totalEpochs);
    return text;
}

} // namespace

SweepWindow* SweepWindow::open(const QString& folder, QWidget* parent, QString* error)
{
    try {
        core::SweepResults results = core::openSweepFolder(QFile::encodeName(folder).toStdString());
        auto* window = new SweepWindow(parent);
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->m_folder = folder;
        window->m_spec = sweepToContinue(folder, &window->m_continueError);
        window->showResults(results);
        window->setWindowTitle(tr("%1 (read-only) – sweep – Espalier").arg(QString::fromStdString(results.name)));
        window->statusBar()->showMessage(tr("Read-only sweep folder: %1").arg(folder));
        window->m_log->appendMessage(tr("Opened sweep %1 read-only").arg(folder));
        for (const core::SweepCellResult& cell : results.cells) {
            if (cell.status == core::CellStatus::Failed)
                window->m_log->appendMessage(
                    tr("%1 failed: %2").arg(QString::fromStdString(cell.name), QString::fromStdString(cell.error)),
                    LogView::Severity::Warning);
        }
        if (!window->m_spec && doneCount(results) < int(results.cells.size()))
            window->m_log->appendMessage(tr("Cannot continue: %1").arg(window->m_continueError),
                                         LogView::Severity::Warning);
        return window;
    } catch (const std::exception& e) {
        if (error)
            *error = errorMessage(e);
    }
    return nullptr;
}

SweepWindow::SweepWindow(QWidget* parent)
    : QMainWindow(parent), m_chart(new widgets::ParetoChart(this)), m_cells(new widgets::SweepCellTable(this)),
      m_log(new LogView(this)), m_progress(new QLabel(this)), m_thread(new QThread(this))
{
    setObjectName(QStringLiteral("sweepWindow"));
    setWindowFlag(Qt::Window);
    m_thread->setObjectName(QStringLiteral("espalier-sweep"));
    m_chart->setObjectName(QStringLiteral("paretoChart"));
    // Pruning sweeps live at 90 % and beyond: on a log compression axis 95, 99 and 99.6 % are apart.
    m_chart->setCompressionAxis(true);
    m_progress->setObjectName(QStringLiteral("progressLabel"));
    m_progress->setContentsMargins(8, 0, 8, 0);
    m_progress->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* toolBar = addToolBar(tr("Sweep"));
    toolBar->setObjectName(QStringLiteral("sweepToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_stopAction = toolBar->addAction(tr("Stop"), this, &SweepWindow::stop);
    m_stopAction->setObjectName(QStringLiteral("stopAction"));
    m_stopAction->setShortcut(QKeySequence(tr("Shift+F5")));
    m_stopAction->setToolTip(tr("Stop the running cell at its next safe point; Continue carries on from there"));
    m_continueAction = toolBar->addAction(tr("Continue"), this, &SweepWindow::continueSweep);
    m_continueAction->setObjectName(QStringLiteral("continueAction"));
    toolBar->addSeparator();
    toolBar->addWidget(m_progress);

    setCentralWidget(m_chart);
    createDocks();
    updateActions();
    updateProgress();
    setWindowTitle(tr("Sweep – Espalier"));
    resize(1600, 1000);
}

SweepWindow::~SweepWindow()
{
    shutdownWorker();
}

void SweepWindow::createDocks()
{
    m_cells->setObjectName(QStringLiteral("cellTable"));
    m_log->setObjectName(QStringLiteral("logView"));
    const auto addDock = [this](const QString& title, const QString& name, QWidget* widget) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name);
        dock->setWidget(widget);
        dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
        addDockWidget(Qt::BottomDockWidgetArea, dock);
        return dock;
    };
    QDockWidget* cells = addDock(tr("Cells"), QStringLiteral("cellsDock"), m_cells);
    QDockWidget* log = addDock(tr("Log"), QStringLiteral("logDock"), m_log);
    splitDockWidget(cells, log, Qt::Horizontal);
    resizeDocks({cells, log}, {680, 920}, Qt::Horizontal);
    resizeDocks({cells}, {330}, Qt::Vertical);
}

void SweepWindow::run(core::SweepSpec spec, const QString& folder)
{
    if (isRunning())
        return;
    m_spec = spec;
    m_continueError.clear();
    m_folder = folder;
    m_ending.clear();
    m_snapshot.reset();
    setWindowTitle(tr("%1 – sweep – Espalier").arg(QString::fromStdString(spec.name)));
    statusBar()->showMessage(tr("Writing to %1").arg(folder));

    auto* worker = new SweepWorker(std::move(spec), folder);
    worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(worker, &SweepWorker::resultsChanged, this, [this](const SweepResultsPtr& r) { showResults(*r); });
    connect(worker, &SweepWorker::snapshotReady, this, &SweepWindow::showSnapshot);
    connect(worker, &SweepWorker::logMessage, this, [this](const QString& line) {
        const bool warning = line.contains(QLatin1String("failed")) || line.startsWith(QLatin1String("warning"));
        m_log->appendMessage(line, warning ? LogView::Severity::Warning : LogView::Severity::Info);
    });
    connect(worker, &SweepWorker::finished, this, [this](const SweepResultsPtr& r) {
        m_ending = tr("Finished");
        showResults(*r);
        onEnded();
        Q_EMIT finished();
    });
    connect(worker, &SweepWorker::stopped, this, [this] {
        m_ending = tr("Stopped");
        m_log->appendMessage(tr("Stopped; Continue runs the cells that are left"));
        onEnded();
        Q_EMIT stopped();
    });
    connect(worker, &SweepWorker::failed, this, [this](const QString& message) {
        m_ending = tr("Failed: %1").arg(message);
        m_log->appendMessage(message, LogView::Severity::Error);
        onEnded();
        Q_EMIT failed(message);
    });
    m_worker = worker;
    if (!m_thread->isRunning())
        m_thread->start();
    QMetaObject::invokeMethod(worker, &SweepWorker::run, Qt::QueuedConnection);
    updateActions();
    updateProgress();
}

void SweepWindow::stop()
{
    if (m_worker)
        m_worker->stop(); // stopped() follows from the worker thread
}

void SweepWindow::continueSweep()
{
    if (m_spec && !isRunning())
        run(*m_spec, m_folder);
}

void SweepWindow::onEnded()
{
    if (m_worker)
        m_worker->deleteLater(); // on its own thread, which goes on for the next run
    m_worker.clear();
    m_snapshot.reset();
    reloadFolder();
    statusBar()->showMessage(tr("Sweep folder: %1").arg(m_folder));
    updateActions();
    updateProgress();
}

void SweepWindow::reloadFolder()
{
    try {
        showResults(core::openSweepFolder(QFile::encodeName(m_folder).toStdString()));
    } catch (const std::exception&) {
        // A sweep that failed before it wrote sweep.json: there is nothing to show but the error.
    }
}

void SweepWindow::showResults(const core::SweepResults& results)
{
    m_results = results;
    m_chart->setResults(m_results);
    m_cells->setCells(m_results.cells);
    updateActions();
    updateProgress();
}

void SweepWindow::showSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    updateProgress();
}

void SweepWindow::updateActions()
{
    const bool unfinished = doneCount(m_results) < int(m_results.cells.size());
    m_stopAction->setEnabled(isRunning());
    m_continueAction->setEnabled(!isRunning() && m_spec && unfinished);
    m_continueAction->setToolTip(m_spec ? tr("Run the cells that are not done; finished cells are skipped and a "
                                             "cell cut short continues from its session.h5")
                                        : tr("Cannot continue: %1").arg(m_continueError));
}

void SweepWindow::updateProgress()
{
    const int total = int(m_results.cells.size());
    const int done = doneCount(m_results);
    const int failed = countCells(m_results, core::CellStatus::Failed);
    const QString counts = tr("%1 of %2 cells done, %3 failed").arg(done).arg(total).arg(failed);
    if (isRunning()) {
        const auto running = std::find_if(m_results.cells.begin(), m_results.cells.end(),
                                          [](const auto& cell) { return cell.status == core::CellStatus::Running; });
        if (running == m_results.cells.end()) {
            m_progress->setText(total > 0 ? tr("Running · %1").arg(counts) : tr("Planning the sweep…"));
            return;
        }
        const int position = int(running - m_results.cells.begin()) + 1;
        const QString phase = m_snapshot ? phaseProgress(*m_snapshot) : tr("Loading");
        m_progress->setText(tr("Cell %1 of %2: %3 · %4 · %5")
                                .arg(position)
                                .arg(total)
                                .arg(cellText(*running), phase, counts));
        return;
    }
    const QString state = m_ending.isEmpty() ? tr("Read-only") : m_ending;
    m_progress->setText(total > 0 ? tr("%1 · %2").arg(state, counts) : state);
}

void SweepWindow::shutdownWorker()
{
    if (m_worker) {
        m_worker->disconnect(this); // nothing may call back into a window that is going away
        m_worker->stop();
    }
    m_thread->quit();
    m_thread->wait(); // the running cell stops at its next safe point, between batches
}

void SweepWindow::closeEvent(QCloseEvent* event)
{
    shutdownWorker();
    m_worker.clear();
    updateActions();
    event->accept();
}

} // namespace espalier::app
