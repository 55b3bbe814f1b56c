#include "widgets/curvechart.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "widgets/branchpaths.h"
#include "widgets/branchplottables.h"
#include "widgets/chartannotations.h"
#include "widgets/chartexport.h"
#include "widgets/palette.h"
#include "widgets/plotstyle.h"

namespace espalier::widgets {
namespace {

constexpr double kAccuracyScale = 100.0; // EpochRecord holds accuracy as a fraction; we plot percent
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t slot(CurveChart::Series series) { return std::size_t(series); }

BranchSeries seriesOf(const BranchSplit& split, const std::vector<core::EpochRecord>& epochs,
                      const std::function<double(std::size_t)>& value)
{
    BranchSeries series;
    const auto fill = [&](BranchSeries::Points& points, const std::vector<std::size_t>& indices) {
        for (const std::size_t i : indices)
            points.add(epochPosition(epochs[i], i), value(i));
    };
    fill(series.current, split.current);
    fill(series.history, split.history);
    for (const auto& [branch, indices] : split.others)
        fill(series.others[branch], indices);
    return series;
}

/// Exponential moving average of the train loss along each branch's history: a branch continues
/// the average of the history it forked from, so its line does not restart at the fork.
std::vector<double> smoothedLoss(const std::vector<core::EpochRecord>& epochs, const BranchPaths& paths)
{
    std::vector<double> out(epochs.size(), kNaN);
    for (int b = 0; b < paths.branchCount(); ++b) {
        double average = kNaN;
        for (const std::size_t i : paths.epochPath(b)) {
            const double loss = epochs[i].trainLoss;
            if (std::isfinite(loss))
                average = std::isfinite(average) ? CurveChart::kSmoothing * average + (1.0 - CurveChart::kSmoothing) * loss
                                                 : loss;
            out[i] = average;
        }
    }
    return out;
}

} // namespace

CurveChart::CurveChart(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_smoothCheck(new QCheckBox(tr("Smooth"), this))
{
    m_plot->setObjectName(QStringLiteral("curvePlot"));
    m_smoothCheck->setObjectName(QStringLiteral("smoothLossCheck"));
    m_smoothCheck->setToolTip(tr("Add a moving average of the train loss; the raw values stay visible"));
    m_plot->yAxis2->setVisible(true);
    const auto series = [this](QCPAxis* valueAxis, const QString& name, const QColor& color, bool scatter) {
        return std::make_unique<BranchPlottables<QCPGraph>>(m_plot, m_plot->xAxis, valueAxis,
                                                            SeriesStyle{name, color, Qt::SolidLine, scatter});
    };
    m_series[slot(Series::TestAccuracy)] = series(m_plot->yAxis, tr("test accuracy"), densityColor(), true);
    m_series[slot(Series::ValidationAccuracy)] =
        series(m_plot->yAxis, tr("validation accuracy"), validationColor(), true);
    m_series[slot(Series::TrainLoss)] = series(m_plot->yAxis2, tr("train loss"), lossColor(), true);
    m_series[slot(Series::SmoothedLoss)] =
        series(m_plot->yAxis2, tr("train loss (average)"), lossColor().darker(160), false);
    m_annotations = new ChartAnnotations(m_plot);

    m_plot->xAxis->setLabel(tr("epoch"));
    m_plot->yAxis->setLabel(tr("accuracy (%)"));
    m_plot->yAxis2->setLabel(tr("train loss"));
    auto integerTicks = QSharedPointer<QCPAxisTickerFixed>::create();
    integerTicks->setTickStep(1.0);
    integerTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // epochs are whole numbers
    integerTicks->setTickCount(8);
    m_plot->xAxis->setTicker(integerTicks);
    applyPlotStyle(m_plot, font());
    m_plot->axisRect()->setMinimumMargins(QMargins(0, 20, 0, 0)); // room for the round labels

    m_emptyText = addPlaceholderText(m_plot, tr("No finished epochs yet"));

    auto* header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("<b>Accuracy and loss</b>"), this));
    header->addStretch();
    header->addWidget(m_smoothCheck);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_plot, 1);
    installExportMenu(m_plot, {.fileStem = [] { return QStringLiteral("curves"); }, .csv = [this] { return csv(); }});
    connect(m_smoothCheck, &QCheckBox::toggled, this, &CurveChart::setSmoothing);
    setHistory({}, {});
}

CurveChart::~CurveChart() = default;

void CurveChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitLegend(m_plot, width());
}

void CurveChart::setSnapshot(const core::Snapshot& snapshot)
{
    setRecords(snapshot.epochs, snapshot.rounds, snapshot.annotations, snapshot.branch, snapshot.round);
}

void CurveChart::setHistory(const std::vector<core::EpochRecord>& epochs, const std::vector<core::RoundRecord>& rounds,
                            int currentRound)
{
    int branch = 0;
    for (const core::EpochRecord& e : epochs)
        branch = std::max(branch, e.branch);
    static const std::vector<core::Annotation> kNone;
    setRecords(epochs, rounds, kNone, branch, currentRound);
}

void CurveChart::setRecords(const std::vector<core::EpochRecord>& epochs,
                            const std::vector<core::RoundRecord>& rounds,
                            const std::vector<core::Annotation>& annotations, int branch, int currentRound)
{
    const auto fingerprint = HistoryFingerprint::of(epochs, rounds, annotations, branch, currentRound);
    if (m_fingerprint == fingerprint)
        return;
    m_fingerprint = fingerprint;
    m_epochs = epochs;
    m_rounds = rounds;
    m_annotationRecords = annotations;
    m_branch = branch;
    m_round = currentRound;
    rebuild();
}

void CurveChart::setSmoothing(bool on)
{
    if (m_smoothCheck->isChecked() != on) {
        m_smoothCheck->setChecked(on); // comes back here through toggled
        return;
    }
    rebuild();
}

bool CurveChart::smoothing() const { return m_smoothCheck->isChecked(); }

void CurveChart::rebuild()
{
    const BranchPaths paths(m_epochs, m_rounds, m_annotationRecords, m_branch);
    const BranchSplit split = paths.splitEpochs(m_branch);
    const bool hasValidation = std::any_of(m_epochs.begin(), m_epochs.end(), [](const core::EpochRecord& e) {
        return std::isfinite(e.validationAccuracy);
    });
    const bool smooth = smoothing();
    const std::vector<double> average = smooth ? smoothedLoss(m_epochs, paths) : std::vector<double>{};
    const auto& e = m_epochs;
    m_series[slot(Series::TestAccuracy)]->setData(
        seriesOf(split, e, [&](std::size_t i) { return e[i].testAccuracy * kAccuracyScale; }));
    m_series[slot(Series::ValidationAccuracy)]->setData(
        hasValidation ? seriesOf(split, e, [&](std::size_t i) { return e[i].validationAccuracy * kAccuracyScale; })
                      : BranchSeries{});
    m_series[slot(Series::TrainLoss)]->setData(seriesOf(split, e, [&](std::size_t i) { return e[i].trainLoss; }));
    m_series[slot(Series::SmoothedLoss)]->setData(smooth ? seriesOf(split, e, [&](std::size_t i) { return average[i]; })
                                                         : BranchSeries{});
    m_series[slot(Series::ValidationAccuracy)]->setVisible(hasValidation);
    m_series[slot(Series::SmoothedLoss)]->setVisible(smooth);
    updateLegend();

    // Round markers belong to the current history; an abandoned branch's would sit on top of them.
    std::vector<core::EpochRecord> historyEpochs;
    for (const std::size_t i : paths.epochPath(m_branch)) {
        historyEpochs.push_back(e[i]);
        historyEpochs.back().position = epochPosition(e[i], i);
    }
    std::vector<core::RoundRecord> historyRounds;
    for (const std::size_t i : paths.roundPath(m_branch))
        historyRounds.push_back(m_rounds[i]);
    setMarkers(roundMarkers(historyEpochs, historyRounds, m_round));

    std::vector<ChartAnnotations::Entry> entries;
    double lastX = 1.0;
    for (const core::Annotation& a : m_annotationRecords) {
        entries.push_back({double(a.position), QString::fromStdString(a.text), !paths.containsAnnotation(m_branch, a)});
        lastX = std::max(lastX, double(a.position));
    }
    m_annotations->setEntries(entries);

    double lowestAccuracy = 100.0;
    double highestLoss = 0.0;
    for (std::size_t i = 0; i < e.size(); ++i) {
        lastX = std::max(lastX, double(epochPosition(e[i], i)));
        for (const double accuracy : {e[i].testAccuracy, e[i].validationAccuracy}) {
            if (std::isfinite(accuracy))
                lowestAccuracy = std::min(lowestAccuracy, accuracy * kAccuracyScale);
        }
        if (std::isfinite(e[i].trainLoss))
            highestLoss = std::max(highestLoss, e[i].trainLoss);
    }
    m_emptyText->setVisible(e.empty());
    // One epoch of room past the last marker, so a round that just pruned is not on the frame.
    const double lastMarker = m_markers.empty() ? 0.0 : m_markers.back().x + 0.5;
    m_plot->xAxis->setRange(0.5, std::max(lastX, lastMarker) + 0.5);
    setAccuracyRange(m_plot->yAxis, lowestAccuracy);
    m_plot->yAxis2->setRange(0.0, highestLoss > 0.0 ? highestLoss * 1.1 : 1.0);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CurveChart::updateLegend()
{
    // Rebuilt in a fixed order: a series that reappears would otherwise go to the end.
    m_plot->legend->clearItems();
    for (const auto& series : m_series) {
        if (series->isVisible())
            series->current()->addToLegend();
    }
    const auto& others = m_series[slot(Series::TestAccuracy)]->others();
    if (!others.empty()) { // one entry stands for every muted line
        others.begin()->second->setName(tr("other branches"));
        others.begin()->second->addToLegend();
    }
    fitLegend(m_plot, width());
}

QCPGraph* CurveChart::graph(Series series) const { return m_series[slot(series)]->current(); }

QCPGraph* CurveChart::graph(Series series, int branch) const
{
    return branch == m_branch ? graph(series) : m_series[slot(series)]->other(branch);
}

QCPGraph* CurveChart::historyGraph(Series series) const { return m_series[slot(series)]->history(); }

QString CurveChart::csv() const
{
    QString text = QStringLiteral("x,phase,round,epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy,"
                                  "validation_accuracy,sparsity,seconds,samples_per_second,branch\n");
    for (std::size_t i = 0; i < m_epochs.size(); ++i) {
        const core::EpochRecord& e = m_epochs[i];
        text += QStringList{QString::number(epochPosition(e, i)), csvField(QString::fromStdString(e.phase)),
                            QString::number(e.round), QString::number(e.epoch), csvNumber(e.lr),
                            csvNumber(e.trainLoss), csvNumber(e.trainAccuracy), csvNumber(e.testLoss),
                            csvNumber(e.testAccuracy), csvNumber(e.validationAccuracy), csvNumber(e.sparsity),
                            csvNumber(e.seconds), csvNumber(e.samplesPerSecond), QString::number(e.branch)}
                    .join(QLatin1Char(','))
            + QLatin1Char('\n');
    }
    return text;
}

void CurveChart::setMarkers(const std::vector<Marker>& markers)
{
    if (markers == m_markers)
        return;
    for (QCPAbstractItem* item : m_markerItems)
        m_plot->removeItem(item);
    m_markerItems.clear();
    m_markers = markers;
    for (const Marker& marker : m_markers) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->setPen(QPen(warningColor(), 1.2, Qt::DotLine));
        line->point1->setCoords(marker.x, 0.0);
        line->point2->setCoords(marker.x, 1.0);
        auto* label = new QCPItemText(m_plot);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(marker.x, 0.0);
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom); // above the frame, off the curves
        label->setClipToAxisRect(false);
        label->setText(marker.label);
        label->setColor(warningColor());
        m_markerItems.push_back(line);
        m_markerItems.push_back(label);
    }
}

} // namespace espalier::widgets
