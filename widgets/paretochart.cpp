#include "widgets/paretochart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

#include "widgets/chartexport.h"
#include "widgets/denseline.h"
#include "widgets/format.h"
#include "widgets/palette.h"
#include "widgets/plotstyle.h"
#include "widgets/sparsityaxis.h"

namespace espalier::widgets {
namespace {

constexpr double kPercent = 100.0;
constexpr double kHoverDistance = 8.0; // pixels

} // namespace

ParetoChart::ParetoChart(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)),
      m_compressionCheck(new QCheckBox(tr("Compression axis"), this)), m_bestCheck(new QCheckBox(tr("Best epoch"), this)),
      m_fitButton(new QToolButton(this))
{
    m_plot->setObjectName(QStringLiteral("paretoPlot"));
    m_compressionCheck->setObjectName(QStringLiteral("compressionAxisCheck"));
    m_compressionCheck->setToolTip(tr("Show the compression 1/(1 − sparsity) on a logarithmic axis, so 90 %, "
                                      "99 % and 99.9 % sparsity are evenly spaced"));
    m_bestCheck->setObjectName(QStringLiteral("bestEpochCheck"));
    m_bestCheck->setToolTip(tr("Each cell's best epoch after its last round instead of its final epoch: chosen "
                               "on the test set, so optimistic"));
    m_fitButton->setObjectName(QStringLiteral("fitButton"));
    m_fitButton->setText(tr("Fit"));
    m_fitButton->setToolTip(tr("Show the whole sweep again (or double-click the chart)"));
    m_fitButton->setEnabled(false);

    m_dense = std::make_unique<DenseLine>(m_plot, QPen(baselineColor(), 1.4, Qt::DashLine));
    m_emptyText = addPlaceholderText(m_plot, tr("No finished cells yet"));
    m_plot->yAxis->setLabel(tr("test accuracy (%)"));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    applyPlotStyle(m_plot, font());

    auto* header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("<b>Accuracy vs sparsity</b>"), this));
    header->addStretch();
    header->addWidget(m_bestCheck);
    header->addWidget(m_compressionCheck);
    header->addWidget(m_fitButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_plot, 1);
    installExportMenu(m_plot, {.fileStem = [] { return QStringLiteral("sweep-pareto"); }, .csv = [this] { return csv(); }});
    connect(m_compressionCheck, &QCheckBox::toggled, this, &ParetoChart::setCompressionAxis);
    connect(m_bestCheck, &QCheckBox::toggled, this,
            [this](bool best) { setAccuracy(best ? Accuracy::Best : Accuracy::Final); });
    connect(m_fitButton, &QToolButton::clicked, this, &ParetoChart::fitToData);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, &ParetoChart::fitToData);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ParetoChart::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] {
        m_zoomed = true;
        m_fitButton->setEnabled(true);
    });
    rebuild();
}

ParetoChart::~ParetoChart() = default;

void ParetoChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitLegend(m_plot, width());
}

void ParetoChart::setResults(const core::SweepResults& results)
{
    m_results = results;
    rebuild();
}

void ParetoChart::setCompressionAxis(bool on)
{
    if (m_compressionCheck->isChecked() != on) {
        m_compressionCheck->setChecked(on); // comes back here through toggled
        return;
    }
    m_zoomed = false; // the old ranges mean nothing on the other axis
    rebuild();
}

bool ParetoChart::compressionAxis() const { return m_compressionCheck->isChecked(); }

void ParetoChart::setAccuracy(Accuracy accuracy)
{
    const bool best = accuracy == Accuracy::Best;
    if (m_bestCheck->isChecked() != best) {
        m_bestCheck->setChecked(best); // comes back here through toggled
        return;
    }
    rebuild();
}

ParetoChart::Accuracy ParetoChart::accuracy() const
{
    return m_bestCheck->isChecked() ? Accuracy::Best : Accuracy::Final;
}

void ParetoChart::fitToData()
{
    m_zoomed = false;
    rebuild();
}

double ParetoChart::axisKey(double sparsity) const
{
    return compressionAxis() ? compressionOf(sparsity) : sparsity * kPercent;
}

double ParetoChart::pointKey(const core::SweepPoint& point) const
{
    // Where the network really is; a method that misses its target shows it.
    const bool achieved = point.runs > 0 && std::isfinite(point.achievedSparsity);
    return axisKey(achieved ? point.achievedSparsity : point.sparsity);
}

double ParetoChart::pointValue(const core::SweepPoint& point) const
{
    return (accuracy() == Accuracy::Best ? point.bestMean : point.finalMean) * kPercent;
}

double ParetoChart::pointSpread(const core::SweepPoint& point) const
{
    const double spread = accuracy() == Accuracy::Best ? point.bestSpread : point.finalSpread;
    return std::isfinite(spread) ? spread * kPercent : 0.0;
}

void ParetoChart::rebuild()
{
    syncCurves();
    for (auto& [method, curve] : m_curves) {
        QVector<double> keys, values, spreads;
        for (const core::SweepPoint* point : curve.points) {
            keys << pointKey(*point);
            values << pointValue(*point);
            spreads << pointSpread(*point);
        }
        curve.graph->setData(keys, values, /*alreadySorted=*/true);
        curve.bars->setData(spreads); // by index into the graph's points
    }
    const bool hasDense = m_results.denseRuns > 0 && std::isfinite(m_results.denseAccuracy);
    QString denseText = tr("dense %1").arg(formatPercent(m_results.denseAccuracy, 1));
    if (m_results.denseRuns > 1)
        denseText += tr(" ± %1 (%2 runs)").arg(formatPercent(m_results.denseSpread)).arg(m_results.denseRuns);
    m_dense->set(hasDense ? std::optional<double>(m_results.denseAccuracy * kPercent) : std::nullopt, denseText);
    m_emptyText->setVisible(m_results.points.empty());
    updateAxes();
    updateLegend();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ParetoChart::syncCurves()
{
    std::vector<std::string> methods = m_results.methods;
    for (const core::SweepPoint& point : m_results.points) {
        if (std::find(methods.begin(), methods.end(), point.method) == methods.end())
            methods.push_back(point.method);
    }
    for (auto it = m_curves.begin(); it != m_curves.end();) {
        if (std::find(methods.begin(), methods.end(), it->first) != methods.end()) {
            it->second.points.clear();
            ++it;
            continue;
        }
        m_plot->removePlottable(it->second.bars); // before the graph it refers to
        m_plot->removePlottable(it->second.graph);
        it = m_curves.erase(it);
    }
    for (std::size_t i = 0; i < methods.size(); ++i) {
        auto [it, added] = m_curves.try_emplace(methods[i]);
        Curve& curve = it->second;
        if (added) {
            curve.graph = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
            curve.bars = new QCPErrorBars(m_plot->xAxis, m_plot->yAxis);
            curve.bars->setDataPlottable(curve.graph);
            curve.bars->setWhiskerWidth(8);
            curve.bars->setSelectable(QCP::stNone);
            curve.graph->setSelectable(QCP::stNone);
        }
        const QColor color = seriesColor(int(i)); // the method's place in the sweep picks its colour
        curve.graph->setName(QString::fromStdString(methods[i]));
        curve.graph->setPen(QPen(color, 2.0));
        curve.graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 7));
        curve.bars->setPen(QPen(color, 1.3));
    }
    for (const core::SweepPoint& point : m_results.points) {
        if (point.runs > 0)
            m_curves[point.method].points.push_back(&point);
    }
    for (auto& [method, curve] : m_curves) {
        std::stable_sort(curve.points.begin(), curve.points.end(),
                         [this](const auto* a, const auto* b) { return pointKey(*a) < pointKey(*b); });
    }
}

void ParetoChart::updateAxes()
{
    double lowestKey = std::numeric_limits<double>::infinity();
    double highestKey = 0.0;
    double lowestAccuracy = kPercent;
    for (const auto& [method, curve] : m_curves) {
        for (const core::SweepPoint* point : curve.points) {
            lowestKey = std::min(lowestKey, pointKey(*point));
            highestKey = std::max(highestKey, pointKey(*point));
            lowestAccuracy = std::min(lowestAccuracy, pointValue(*point) - pointSpread(*point));
        }
    }
    if (m_dense->line()->visible())
        lowestAccuracy = std::min(lowestAccuracy, m_results.denseAccuracy * kPercent);
    m_fitButton->setEnabled(m_zoomed);
    if (m_zoomed)
        return;
    setSparsityAxis(m_plot->xAxis, compressionAxis(), highestKey);
    if (!compressionAxis() && std::isfinite(lowestKey)) {
        // A sweep lives at high sparsity: 0–80 % would be empty.
        const double lower = std::max(-2.0, std::floor(lowestKey / 10.0) * 10.0 - 5.0);
        m_plot->xAxis->setRange(lower, kPercent + 0.03 * (kPercent - lower));
    } else if (compressionAxis() && std::isfinite(lowestKey)) {
        // The same on the log axis: from a little below the least compressed point, not from 1×.
        m_plot->xAxis->setRange(std::max(1.0, lowestKey / 1.6), highestKey * 1.6);
    }
    setAccuracyRange(m_plot->yAxis, lowestAccuracy);
}

void ParetoChart::updateLegend()
{
    m_plot->legend->clearItems(); // error bars stay out; the curve's entry stands for both
    for (const std::string& method : m_results.methods) {
        if (QCPGraph* graph = this->graph(method))
            graph->addToLegend();
    }
    for (const auto& [method, curve] : m_curves) {
        if (!m_plot->legend->hasItemWithPlottable(curve.graph))
            curve.graph->addToLegend();
    }
    fitLegend(m_plot, width());
}

QCPGraph* ParetoChart::graph(const std::string& method) const
{
    const auto it = m_curves.find(method);
    return it == m_curves.end() ? nullptr : it->second.graph;
}

QCPErrorBars* ParetoChart::errorBars(const std::string& method) const
{
    const auto it = m_curves.find(method);
    return it == m_curves.end() ? nullptr : it->second.bars;
}

QCPItemStraightLine* ParetoChart::denseLine() const { return m_dense->line(); }

QCPItemText* ParetoChart::denseLabel() const { return m_dense->label(); }

QString ParetoChart::csv() const
{
    QString text = QStringLiteral("method,target_sparsity,achieved_sparsity,compression,runs,final_accuracy,"
                                  "final_spread,best_accuracy,best_spread,seconds\n");
    const auto row = [&text](const QStringList& fields) { text += fields.join(QLatin1Char(',')) + QLatin1Char('\n'); };
    for (const core::SweepPoint& p : m_results.points) {
        row({csvField(QString::fromStdString(p.method)), csvNumber(p.sparsity), csvNumber(p.achievedSparsity),
             QString::number(compressionOf(p.achievedSparsity), 'g', 12), QString::number(p.runs),
             csvNumber(p.finalMean), csvNumber(p.finalSpread), csvNumber(p.bestMean), csvNumber(p.bestSpread),
             csvNumber(p.secondsMean)});
    }
    if (m_results.denseRuns > 0) {
        row({QStringLiteral("dense"), csvNumber(0.0), csvNumber(0.0), csvNumber(1.0), QString::number(m_results.denseRuns),
             csvNumber(m_results.denseAccuracy), csvNumber(m_results.denseSpread), QString(), QString(), QString()});
    }
    return text;
}

QString ParetoChart::toolTipAt(const QPointF& pixel) const
{
    const core::SweepPoint* nearest = nullptr;
    double nearestDistance = kHoverDistance;
    for (const auto& [method, curve] : m_curves) {
        for (const core::SweepPoint* point : curve.points) {
            const QPointF at(m_plot->xAxis->coordToPixel(pointKey(*point)),
                             m_plot->yAxis->coordToPixel(pointValue(*point)));
            const double distance = std::hypot(at.x() - pixel.x(), at.y() - pixel.y());
            if (distance <= nearestDistance) {
                nearest = point;
                nearestDistance = distance;
            }
        }
    }
    if (!nearest)
        return {};
    const core::SweepPoint& p = *nearest;
    return tr("%1 at %2 target (achieved %3, %4× compression)\nfinal accuracy %5 ± %6 (%7 seeds)\n"
              "best epoch %8 ± %9\n%10 s per cell")
        .arg(QString::fromStdString(p.method), formatPercent(p.sparsity), formatPercent(p.achievedSparsity),
             QString::number(compressionOf(p.achievedSparsity), 'g', 4), formatPercent(p.finalMean),
             formatPercent(p.finalSpread))
        .arg(p.runs)
        .arg(formatPercent(p.bestMean), formatPercent(p.bestSpread), QString::number(p.secondsMean, 'f', 1));
}

void ParetoChart::onMouseMove(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton) { // a drag pans the view: keep it
        m_zoomed = true;
        m_fitButton->setEnabled(true);
        return;
    }
    showPlotToolTip(m_plot, event, toolTipAt(event->position()));
}

} // namespace espalier::widgets
