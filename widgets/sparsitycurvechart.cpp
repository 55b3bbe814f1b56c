#include "widgets/sparsitycurvechart.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "widgets/branchplottables.h"
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

std::size_t slot(SparsityCurveChart::Series series) { return std::size_t(series); }

} // namespace

SparsityCurveChart::SparsityCurveChart(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_compressionCheck(new QCheckBox(tr("Compression axis"), this))
{
    m_plot->setObjectName(QStringLiteral("sparsityCurvePlot"));
    m_compressionCheck->setObjectName(QStringLiteral("compressionAxisCheck"));
    m_compressionCheck->setToolTip(tr("Show the compression 1/(1 − sparsity) on a logarithmic axis, so 90 %, "
                                      "99 % and 99.9 % sparsity are evenly spaced"));
    const auto series = [this](const QString& name, const QColor& color) {
        return std::make_unique<BranchPlottables<QCPCurve>>(m_plot, m_plot->xAxis, m_plot->yAxis,
                                                            SeriesStyle{name, color, Qt::SolidLine, true});
    };
    m_series[slot(Series::TestAccuracy)] = series(tr("test accuracy"), densityColor());
    m_series[slot(Series::ValidationAccuracy)] = series(tr("validation accuracy"), validationColor());

    // Comparison lines go under the session's curves (the "annotations" layer lies below "main").
    m_baseline = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
    m_baseline->setLayer(QStringLiteral("annotations"));
    m_baseline->setPen(QPen(baselineColor(), 1.6, Qt::DashLine));
    m_baseline->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, baselineColor(), 5));
    m_previews = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
    m_previews->setLineStyle(QCPCurve::lsNone);
    m_previews->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(previewColor(), 1.8), Qt::NoBrush, 10));
    m_previews->setPen(QPen(previewColor(), 1.8));
    m_previews->setName(tr("what-if previews"));
    m_dense = std::make_unique<DenseLine>(m_plot, QPen(targetColor(), 1.4, Qt::DotLine));
    m_emptyText = addPlaceholderText(m_plot, tr("No finished rounds yet"));

    m_plot->yAxis->setLabel(tr("accuracy (%)"));
    applyPlotStyle(m_plot, font());

    auto* header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("<b>Accuracy and sparsity</b>"), this));
    header->addStretch();
    header->addWidget(m_compressionCheck);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_plot, 1);
    installExportMenu(m_plot,
                      {.fileStem = [] { return QStringLiteral("sparsity-curve"); }, .csv = [this] { return csv(); }});
    connect(m_compressionCheck, &QCheckBox::toggled, this, &SparsityCurveChart::setCompressionAxis);
    connect(m_plot, &QCustomPlot::mouseMove, this, &SparsityCurveChart::onMouseMove);
    rebuild();
}

SparsityCurveChart::~SparsityCurveChart() = default;

void SparsityCurveChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitLegend(m_plot, width());
}

void SparsityCurveChart::setSnapshot(const core::Snapshot& snapshot)
{
    const auto fingerprint = HistoryFingerprint::of(snapshot.epochs, snapshot.rounds, snapshot.annotations,
                                                    snapshot.branch, /*round=*/0);
    // Previews are only ever appended (a new session starts over), so their count tells a change.
    const bool previewsChanged = snapshot.previewPoints.size() != m_previewPoints.size();
    if (previewsChanged)
        m_previewPoints = snapshot.previewPoints;
    if (m_fingerprint == fingerprint) {
        if (previewsChanged)
            rebuild();
        return;
    }
    m_fingerprint = fingerprint;
    m_rounds = snapshot.rounds;
    m_branch = snapshot.branch;
    // Epochs and annotations only tell where branches forked; the split is all that is kept of them.
    m_split = BranchPaths(snapshot.epochs, snapshot.rounds, snapshot.annotations, snapshot.branch)
                  .splitRounds(snapshot.branch);
    rebuild();
}

void SparsityCurveChart::setBaseline(const QString& label, const std::vector<double>& sparsity,
                                     const std::vector<double>& accuracy)
{
    const std::size_t n = std::min(sparsity.size(), accuracy.size());
    m_baselineLabel = label;
    m_baselineSparsity.assign(sparsity.begin(), sparsity.begin() + std::ptrdiff_t(n));
    m_baselineAccuracy.assign(accuracy.begin(), accuracy.begin() + std::ptrdiff_t(n));
    rebuild();
}

void SparsityCurveChart::clearBaseline() { setBaseline({}, {}, {}); }

void SparsityCurveChart::setDenseAccuracy(std::optional<double> accuracy)
{
    if (accuracy && !std::isfinite(*accuracy))
        accuracy.reset();
    if (accuracy == m_denseAccuracy)
        return;
    m_denseAccuracy = accuracy;
    rebuild();
}

void SparsityCurveChart::setCompressionAxis(bool on)
{
    if (m_compressionCheck->isChecked() != on) {
        m_compressionCheck->setChecked(on); // comes back here through toggled
        return;
    }
    rebuild();
}

bool SparsityCurveChart::compressionAxis() const { return m_compressionCheck->isChecked(); }

double SparsityCurveChart::axisKey(double sparsity) const
{
    return compressionAxis() ? compressionOf(sparsity) : sparsity * kPercent;
}

void SparsityCurveChart::rebuild()
{
    const auto seriesOf = [this](const std::function<double(const core::RoundRecord&)>& accuracy) {
        BranchSeries series;
        const auto fill = [&](BranchSeries::Points& points, const std::vector<std::size_t>& indices) {
            for (const std::size_t i : indices)
                points.add(axisKey(m_rounds[i].sparsity), accuracy(m_rounds[i]) * kPercent);
        };
        fill(series.current, m_split.current);
        fill(series.history, m_split.history);
        for (const auto& [branch, indices] : m_split.others)
            fill(series.others[branch], indices);
        return series;
    };
    const bool hasValidation = std::any_of(m_rounds.begin(), m_rounds.end(), [](const core::RoundRecord& r) {
        return std::isfinite(r.validationAccuracy);
    });
    m_series[slot(Series::TestAccuracy)]->setData(seriesOf([](const core::RoundRecord& r) { return r.testAccuracy; }));
    m_series[slot(Series::ValidationAccuracy)]->setData(
        hasValidation ? seriesOf([](const core::RoundRecord& r) { return r.validationAccuracy; }) : BranchSeries{});
    m_series[slot(Series::ValidationAccuracy)]->setVisible(hasValidation);

    BranchSeries::Points baseline;
    for (std::size_t i = 0; i < m_baselineSparsity.size(); ++i)
        baseline.add(axisKey(m_baselineSparsity[i]), m_baselineAccuracy[i] * kPercent);
    m_baseline->setData(baseline.keys, baseline.values);
    m_baseline->setName(m_baselineLabel.isEmpty() ? tr("baseline") : m_baselineLabel);
    m_baseline->setVisible(!m_baselineSparsity.empty());

    BranchSeries::Points previews;
    for (const auto& p : m_previewPoints)
        previews.add(axisKey(p.sparsity), p.testAccuracy * kPercent);
    m_previews->setData(previews.keys, previews.values);
    m_previews->setVisible(!m_previewPoints.empty());

    m_dense->set(m_denseAccuracy ? std::optional<double>(*m_denseAccuracy * kPercent) : std::nullopt,
                 tr("dense %1").arg(formatPercent(m_denseAccuracy.value_or(0.0), 1)));
    m_emptyText->setVisible(m_rounds.empty() && m_baselineSparsity.empty() && m_previewPoints.empty());

    updateAxes();
    updateLegend();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SparsityCurveChart::updateAxes()
{
    std::vector<double> keys, accuracies;
    for (const core::RoundRecord& r : m_rounds) {
        keys.push_back(axisKey(r.sparsity));
        accuracies.insert(accuracies.end(), {r.testAccuracy, r.validationAccuracy});
    }
    for (std::size_t i = 0; i < m_baselineSparsity.size(); ++i) {
        keys.push_back(axisKey(m_baselineSparsity[i]));
        accuracies.push_back(m_baselineAccuracy[i]);
    }
    for (const auto& p : m_previewPoints) {
        keys.push_back(axisKey(p.sparsity));
        accuracies.push_back(p.testAccuracy);
    }
    if (m_denseAccuracy)
        accuracies.push_back(*m_denseAccuracy);

    double highestKey = 0.0;
    for (const double key : keys) {
        if (std::isfinite(key))
            highestKey = std::max(highestKey, key);
    }
    setSparsityAxis(m_plot->xAxis, compressionAxis(), highestKey);
    double lowestAccuracy = 100.0;
    for (const double accuracy : accuracies) {
        if (std::isfinite(accuracy))
            lowestAccuracy = std::min(lowestAccuracy, accuracy * kPercent);
    }
    setAccuracyRange(m_plot->yAxis, lowestAccuracy);
}

void SparsityCurveChart::updateLegend()
{
    m_plot->legend->clearItems();
    for (const auto& series : m_series) {
        if (series->isVisible())
            series->current()->addToLegend();
    }
    if (m_baseline->visible())
        m_baseline->addToLegend();
    if (m_previews->visible())
        m_previews->addToLegend();
    const auto& others = m_series[slot(Series::TestAccuracy)]->others();
    if (!others.empty()) {
        others.begin()->second->setName(tr("other branches"));
        others.begin()->second->addToLegend();
    }
    fitLegend(m_plot, width());
}

QCPCurve* SparsityCurveChart::curve(Series series) const { return m_series[slot(series)]->current(); }

QCPCurve* SparsityCurveChart::curve(Series series, int branch) const
{
    return branch == m_branch ? curve(series) : m_series[slot(series)]->other(branch);
}

QCPItemStraightLine* SparsityCurveChart::denseLine() const { return m_dense->line(); }

QCPItemText* SparsityCurveChart::denseLabel() const { return m_dense->label(); }

QCPCurve* SparsityCurveChart::historyCurve(Series series) const { return m_series[slot(series)]->history(); }

QString SparsityCurveChart::csv() const
{
    QString text = QStringLiteral("series,branch,round,sparsity,compression,test_accuracy,validation_accuracy\n");
    const auto row = [&text](const QStringList& fields) { text += fields.join(QLatin1Char(',')) + QLatin1Char('\n'); };
    // Derived, so 12 digits: 1/(1 − 0.9) is 10.000000000000002 in doubles.
    const auto compression = [](double s) { return QString::number(compressionOf(s), 'g', 12); };
    for (const core::RoundRecord& r : m_rounds) {
        row({QStringLiteral("session"), QString::number(r.branch), QString::number(r.round), csvNumber(r.sparsity),
             compression(r.sparsity), csvNumber(r.testAccuracy), csvNumber(r.validationAccuracy)});
    }
    for (std::size_t i = 0; i < m_baselineSparsity.size(); ++i) {
        row({csvField(m_baselineLabel.isEmpty() ? QStringLiteral("baseline") : m_baselineLabel), QString(), QString(),
             csvNumber(m_baselineSparsity[i]), compression(m_baselineSparsity[i]),
             csvNumber(m_baselineAccuracy[i]), QString()});
    }
    for (const auto& p : m_previewPoints) {
        row({csvField(QStringLiteral("preview:") + QString::fromStdString(p.method)), QString(), QString::number(p.round),
             csvNumber(p.sparsity), compression(p.sparsity), csvNumber(p.testAccuracy), QString()});
    }
    if (m_denseAccuracy)
        row({QStringLiteral("dense"), QString(), QString(), csvNumber(0.0), csvNumber(1.0), csvNumber(*m_denseAccuracy),
             QString()});
    return text;
}

QString SparsityCurveChart::toolTipAt(const QPointF& pixel) const
{
    const core::RoundRecord* nearest = nullptr;
    double nearestDistance = kHoverDistance;
    for (const core::RoundRecord& r : m_rounds) {
        const QPointF at(m_plot->xAxis->coordToPixel(axisKey(r.sparsity)),
                         m_plot->yAxis->coordToPixel(r.testAccuracy * kPercent));
        const double distance = std::hypot(at.x() - pixel.x(), at.y() - pixel.y());
        if (distance <= nearestDistance) { // later records win ties: the newer branch is drawn on top
            nearest = &r;
            nearestDistance = distance;
        }
    }
    const core::PreviewPoint* nearestPreview = nullptr;
    for (const core::PreviewPoint& p : m_previewPoints) {
        const QPointF at(m_plot->xAxis->coordToPixel(axisKey(p.sparsity)),
                         m_plot->yAxis->coordToPixel(p.testAccuracy * kPercent));
        const double distance = std::hypot(at.x() - pixel.x(), at.y() - pixel.y());
        if (distance <= nearestDistance) {
            nearestPreview = &p;
            nearestDistance = distance;
        }
    }
    if (nearestPreview) {
        return tr("What-if preview after round %1 (not committed)\n%2 to %3 sparsity\ntest accuracy %4 without training")
            .arg(nearestPreview->round)
            .arg(QString::fromStdString(nearestPreview->method), formatPercent(nearestPreview->sparsity),
                 formatPercent(nearestPreview->testAccuracy));
    }
    if (!nearest)
        return {};
    QString text = tr("Round %1, branch %2\n%3 sparsity (%4× compression)\ntest accuracy %5")
                       .arg(nearest->round)
                       .arg(nearest->branch)
                       .arg(formatPercent(nearest->sparsity), QString::number(compressionOf(nearest->sparsity), 'g', 4),
                            formatPercent(nearest->testAccuracy));
    if (std::isfinite(nearest->validationAccuracy))
        text += tr("\nvalidation accuracy %1").arg(formatPercent(nearest->validationAccuracy));
    return text;
}

void SparsityCurveChart::onMouseMove(QMouseEvent* event)
{
    showPlotToolTip(m_plot, event, toolTipAt(event->position()));
}

} // namespace espalier::widgets
