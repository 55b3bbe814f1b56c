#include "widgets/curvechart.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <qcustomplot.h>

#include <QLabel>
#include <QVBoxLayout>

#include "widgets/chartexport.h"
#include "widgets/palette.h"
#include "widgets/plotstyle.h"

namespace espalier::widgets {
namespace {

constexpr double kAccuracyScale = 100.0; // EpochRecord holds accuracy as a fraction; we plot percent

QCPGraph* makeGraph(QCustomPlot* plot, QCPAxis* valueAxis, const QString& name, const QColor& color)
{
    QCPGraph* graph = plot->addGraph(plot->xAxis, valueAxis);
    graph->setName(name);
    graph->setPen(QPen(color, 2));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, 5));
    return graph;
}

} // namespace

CurveChart::CurveChart(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    m_plot->setObjectName(QStringLiteral("curvePlot"));
    m_plot->yAxis2->setVisible(true);
    m_accuracy = makeGraph(m_plot, m_plot->yAxis, tr("test accuracy"), densityColor());
    m_loss = makeGraph(m_plot, m_plot->yAxis2, tr("train loss"), lossColor());
    m_plot->xAxis->setLabel(tr("epoch (all phases)"));
    m_plot->yAxis->setLabel(tr("test accuracy (%)"));
    m_plot->yAxis2->setLabel(tr("train loss"));
    auto integerTicks = QSharedPointer<QCPAxisTickerFixed>::create();
    integerTicks->setTickStep(1.0);
    integerTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // epochs are whole numbers
    integerTicks->setTickCount(8);
    m_plot->xAxis->setTicker(integerTicks);
    applyPlotStyle(m_plot, font());
    m_plot->axisRect()->setMinimumMargins(QMargins(0, 20, 0, 0)); // room for the round labels

    m_emptyText = new QCPItemText(m_plot);
    m_emptyText->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyText->position->setCoords(0.5, 0.5);
    m_emptyText->setText(tr("No finished epochs yet"));
    m_emptyText->setColor(palette().color(QPalette::PlaceholderText));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("<b>Accuracy and loss</b>"), this));
    layout->addWidget(m_plot, 1);
    installExportMenu(m_plot, {.fileStem = [] { return QStringLiteral("curves"); }, .csv = [this] { return csv(); }});
    setHistory({}, {});
}

void CurveChart::setHistory(const std::vector<core::EpochRecord>& epochs,
                            const std::vector<core::RoundRecord>& rounds, int currentRound)
{
    QVector<double> keys, accuracy, loss;
    double lowestAccuracy = 100.0;
    double highestLoss = 0.0;
    for (std::size_t i = 0; i < epochs.size(); ++i) {
        keys << double(i + 1);
        accuracy << epochs[i].testAccuracy * kAccuracyScale;
        loss << epochs[i].trainLoss;
        lowestAccuracy = std::min(lowestAccuracy, accuracy.back());
        if (std::isfinite(loss.back()))
            highestLoss = std::max(highestLoss, loss.back());
    }
    m_epochs = epochs;
    m_accuracy->setData(keys, accuracy, /*alreadySorted=*/true);
    m_loss->setData(keys, loss, /*alreadySorted=*/true);
    setMarkers(roundMarkers(epochs, rounds, currentRound));

    m_emptyText->setVisible(epochs.empty());
    // One epoch of room past the last marker, so a round that just pruned is not on the frame.
    const double lastMarker = m_markers.empty() ? 0.0 : m_markers.back().x + 0.5;
    m_plot->xAxis->setRange(0.5, std::max({double(epochs.size()), lastMarker, 1.0}) + 0.5);
    const double lowest = std::max(0.0, std::floor(lowestAccuracy / 10.0) * 10.0 - 5.0);
    m_plot->yAxis->setRange(lowest, 100.0 + 0.02 * (100.0 - lowest)); // a 100 % line stays off the frame
    m_plot->yAxis2->setRange(0.0, highestLoss > 0.0 ? highestLoss * 1.1 : 1.0);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString CurveChart::csv() const
{
    QString text = QStringLiteral("x,phase,round,epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy,"
                                  "validation_accuracy,sparsity,seconds,samples_per_second\n");
    for (std::size_t i = 0; i < m_epochs.size(); ++i) {
        const core::EpochRecord& e = m_epochs[i];
        text += QStringList{QString::number(i + 1), csvField(QString::fromStdString(e.phase)), QString::number(e.round),
                            QString::number(e.epoch), csvNumber(e.lr), csvNumber(e.trainLoss),
                            csvNumber(e.trainAccuracy), csvNumber(e.testLoss), csvNumber(e.testAccuracy),
                            csvNumber(e.validationAccuracy), csvNumber(e.sparsity), csvNumber(e.seconds),
                            csvNumber(e.samplesPerSecond)}
                    .join(QLatin1Char(','))
            + QLatin1Char('\n');
    }
    return text;
}

std::vector<CurveChart::Marker> CurveChart::roundMarkers(const std::vector<core::EpochRecord>& epochs,
                                                         const std::vector<core::RoundRecord>& rounds,
                                                         int currentRound)
{
    std::set<int> roundNumbers;
    if (currentRound > 0)
        roundNumbers.insert(currentRound);
    for (const core::RoundRecord& record : rounds)
        roundNumbers.insert(record.round);
    for (const core::EpochRecord& epoch : epochs) {
        if (epoch.phase != "pretrain" && epoch.round > 0)
            roundNumbers.insert(epoch.round);
    }
    std::vector<Marker> markers;
    int groupFirst = 0;
    for (const int round : roundNumbers) {
        // Round r pruned right before its first training epoch (after ESPN's mask-discovery epochs,
        // or after everything recorded so far).
        const auto firstAfter = std::find_if(epochs.begin(), epochs.end(), [round](const core::EpochRecord& e) {
            return e.phase != "pretrain" && e.phase != "mask" && e.round >= round;
        });
        const double x = double(firstAfter - epochs.begin()) + 0.5;
        if (!markers.empty() && markers.back().x == x) {
            markers.back().label = QStringLiteral("R%1–R%2").arg(groupFirst).arg(round);
            continue;
        }
        groupFirst = round;
        markers.push_back({x, QStringLiteral("R%1").arg(round)});
    }
    return markers;
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
