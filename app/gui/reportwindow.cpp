#include "app/gui/reportwindow.h"

#include <cmath>

#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>

#include "app/gui/pruningworker.h"
#include "app/gui/reportsummary.h"
#include "espalier/core/errors.h"
#include "widgets/curvechart.h"
#include "widgets/densitychart.h"
#include "widgets/layertable.h"
#include "widgets/logview.h"
#include "widgets/maskinspector.h"
#include "widgets/recipeview.h"
#include "widgets/roundstable.h"
#include "widgets/saliencyhistogram.h"
#include "widgets/sparsitycurvechart.h"

namespace espalier::app {

namespace {

QString displayPath(const std::string& path)
{
    // Every run writes "report.h5": the folder is what tells two reports apart.
    const QFileInfo info(QFile::decodeName(path.c_str()));
    return info.absoluteDir().dirName() + QLatin1Char('/') + info.fileName();
}

} // namespace

ReportWindow* ReportWindow::open(const QString& path, QWidget* parent, QString* error)
{
    try {
        return new ReportWindow(core::openSavedReport(QFile::encodeName(path).toStdString()), parent);
    } catch (const std::exception& e) {
        if (error)
            *error = errorMessage(e);
    }
    return nullptr;
}

ReportWindow::ReportWindow(core::SavedReport report, QWidget* parent)
    : QMainWindow(parent), m_report(std::move(report)), m_layerTable(new widgets::LayerTable(this)),
      m_densityChart(new widgets::DensityChart(this)), m_curveChart(new widgets::CurveChart(this)),
      m_sparsityCurve(new widgets::SparsityCurveChart(this)),
      m_histogram(new widgets::SaliencyHistogramChart(this)),
      m_inspector(new widgets::MaskInspector(this)), m_rounds(new widgets::RoundsTable(this)),
      m_recipeView(new widgets::RecipeView(this)), m_events(new widgets::LogView(this)),
      m_summary(new ReportSummary(m_report, this))
{
    setObjectName(QStringLiteral("reportWindow"));
    setWindowFlag(Qt::Window);
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("%1 (read-only) – Espalier").arg(displayPath(m_report.path)));
    setWindowFilePath(QFile::decodeName(m_report.path.c_str()));
    try {
        m_recipe = core::parseRecipe(m_report.recipeJson, m_report.path + " (recipe)");
    } catch (const std::exception& e) {
        m_recipeError = errorMessage(e);
    }

    auto* toolBar = addToolBar(tr("Report"));
    toolBar->setObjectName(QStringLiteral("reportToolBar"));
    toolBar->setMovable(false);
    m_openAsRecipe = toolBar->addAction(tr("Open as &recipe"), this, &ReportWindow::openAsRecipe);
    m_openAsRecipe->setObjectName(QStringLiteral("openAsRecipeAction"));
    m_openAsRecipe->setEnabled(m_recipe.has_value());
    m_openAsRecipe->setToolTip(m_recipe ? tr("Start a new session in the main window from this report's recipe "
                                             "(with its steering, so it replays the run)")
                                        : m_recipeError);
    toolBar->addSeparator();
    const QString absolutePath = QFileInfo(windowFilePath()).absoluteFilePath();
    auto* readOnly = new QLabel(tr("Read-only report: %1").arg(absolutePath), this);
    readOnly->setObjectName(QStringLiteral("readOnlyLabel"));
    readOnly->setContentsMargins(8, 0, 8, 0);
    toolBar->addWidget(readOnly);

    auto* charts = new QSplitter(Qt::Vertical, this);
    charts->addWidget(m_densityChart);
    charts->addWidget(m_curveChart);
    charts->addWidget(m_sparsityCurve);
    setCentralWidget(charts);
    createDocks();

    connect(m_layerTable, &widgets::LayerTable::layerSelected, this, &ReportWindow::selectLayer);
    connect(m_densityChart, &widgets::DensityChart::layerClicked, this, &ReportWindow::selectLayer);
    connect(m_inspector, &widgets::MaskInspector::hovered, this, [this](const QString& text) {
        if (!text.isEmpty())
            statusBar()->showMessage(text, 3000);
    });
    showReport();
    resize(1600, 1000);
}

void ReportWindow::createDocks()
{
    const auto addDock = [this](const QString& title, const QString& name, QWidget* widget,
                                Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name);
        dock->setWidget(widget);
        dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
        addDockWidget(area, dock);
        return dock;
    };
    m_layerTable->setObjectName(QStringLiteral("layerTable"));
    m_densityChart->setObjectName(QStringLiteral("densityChart"));
    m_curveChart->setObjectName(QStringLiteral("curveChart"));
    m_sparsityCurve->setObjectName(QStringLiteral("sparsityCurve"));
    m_histogram->setObjectName(QStringLiteral("saliencyHistogram"));
    m_inspector->setObjectName(QStringLiteral("maskInspector"));
    m_rounds->setObjectName(QStringLiteral("roundsTable"));
    m_events->setObjectName(QStringLiteral("eventsView"));
    m_summary->setObjectName(QStringLiteral("reportSummary"));
    m_recipeView->setObjectName(QStringLiteral("recipeView"));

    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    QDockWidget* layers =
        addDock(tr("Layers"), QStringLiteral("layersDock"), m_layerTable, Qt::LeftDockWidgetArea);
    QDockWidget* summary = addDock(tr("Report"), QStringLiteral("summaryDock"), m_summary, Qt::LeftDockWidgetArea);
    splitDockWidget(layers, summary, Qt::Vertical);
    QDockWidget* recipe =
        addDock(tr("Recipe"), QStringLiteral("recipeDock"), m_recipeView, Qt::LeftDockWidgetArea);
    tabifyDockWidget(summary, recipe);
    summary->raise();
    QDockWidget* histogram =
        addDock(tr("Saliency histogram"), QStringLiteral("histogramDock"), m_histogram, Qt::RightDockWidgetArea);
    QDockWidget* inspector =
        addDock(tr("Mask inspector"), QStringLiteral("inspectorDock"), m_inspector, Qt::RightDockWidgetArea);
    splitDockWidget(histogram, inspector, Qt::Vertical);
    QDockWidget* rounds = addDock(tr("Rounds"), QStringLiteral("roundsDock"), m_rounds, Qt::BottomDockWidgetArea);
    QDockWidget* events = addDock(tr("Events"), QStringLiteral("eventsDock"), m_events, Qt::BottomDockWidgetArea);
    tabifyDockWidget(rounds, events);
    rounds->raise();

    resizeDocks({layers, histogram}, {470, 440}, Qt::Horizontal);
    resizeDocks({layers, summary}, {420, 330}, Qt::Vertical);
    resizeDocks({histogram, inspector}, {330, 420}, Qt::Vertical);
    resizeDocks({rounds}, {190}, Qt::Vertical);
}

void ReportWindow::showReport()
{
    const core::Snapshot& s = m_report.snapshot;
    m_layerTable->setLayers(s.layers);
    m_densityChart->setLayers(s.layers, s.targetSparsity);
    m_curveChart->setSnapshot(s);
    m_sparsityCurve->setSnapshot(s);
    const double dense = m_report.denseAccuracy();
    m_sparsityCurve->setDenseAccuracy(std::isfinite(dense) ? std::optional<double>(dense) : std::nullopt);
    m_rounds->setRounds(s.rounds);
    if (m_recipe)
        m_recipeView->setRecipe(*m_recipe, windowFilePath());
    else
        m_recipeView->clear(m_recipeError);
    for (const std::string& event : s.events) {
        const QString text = QString::fromStdString(event);
        using Severity = widgets::LogView::Severity;
        const bool warning = text.startsWith(QLatin1String("warning"), Qt::CaseInsensitive);
        m_events->appendMessage(text, warning ? Severity::Warning : Severity::Info);
    }
    if (!s.layers.empty())
        selectLayer(QString::fromStdString(s.layers.front().name));
    statusBar()->showMessage(tr("%1 layers, %2 rounds; select a layer to see its histogram and mask")
                                 .arg(s.layers.size())
                                 .arg(s.rounds.size()));
}

void ReportWindow::selectLayer(const QString& name)
{
    const std::string key = name.toStdString();
    const core::LayerTensors* mask = m_report.mask(key);
    if (!mask || name == m_selected)
        return;
    m_selected = name;
    m_layerTable->selectLayer(name);
    for (const core::LayerStats& layer : m_report.snapshot.layers)
        if (layer.name == key)
            m_histogram->setLayer(layer);
    m_inspector->setLayer(*mask);
}

void ReportWindow::openAsRecipe()
{
    if (m_recipe) // else the action is disabled and its tooltip says why
        Q_EMIT openAsRecipeRequested(*m_recipe, windowFilePath());
}

} // namespace espalier::app
