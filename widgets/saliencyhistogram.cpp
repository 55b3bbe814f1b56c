#include "widgets/saliencyhistogram.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>

#include "widgets/chartexport.h"
#include "widgets/format.h"
#include "widgets/palette.h"
#include "widgets/plotstyle.h"

namespace espalier::widgets {
namespace {

QColor prunedColor() { return QColor(0xb8, 0xb8, 0xb8); } // muted: pruned weights are the background here
QColor thresholdColor() { return QColor(0x21, 0x21, 0x21); }
constexpr double kLogFloor = 0.5; // below a count of 1, so single weights still get a bar

int binCount(const core::SaliencyHistogram& histogram)
{
    return histogram.edges.size() < 2 ? 0 : int(histogram.edges.size()) - 1;
}

std::int64_t countAt(const std::vector<std::int64_t>& counts, int bin)
{
    return std::size_t(bin) < counts.size() ? counts[std::size_t(bin)] : 0;
}

QCPBars* makeBars(QCustomPlot* plot, const QString& name, const QColor& color)
{
    QCPBars* bars = makeClippedBars(plot->xAxis, plot->yAxis); // on a log axis a bar starts at −∞
    bars->setName(name);
    bars->setPen(QPen(QColor(255, 255, 255, 160), 0.8)); // a hairline between adjacent bins
    bars->setBrush(color);
    return bars;
}

QCPItemText* makeLineLabel(QCustomPlot* plot, const QString& text, const QColor& color)
{
    auto* label = new QCPItemText(plot);
    label->setText(text);
    label->setColor(color);
    label->setBrush(QBrush(QColor(255, 255, 255, 220))); // readable over a bar
    label->setPadding(QMargins(3, 1, 3, 1));
    return label;
}

} // namespace

SaliencyHistogramChart::SaliencyHistogramChart(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_title(new QLabel(this)),
      m_logCheck(new QCheckBox(tr("Log scale"), this)), m_zeroNote(new QLabel(this))
{
    m_plot->setObjectName(QStringLiteral("histogramPlot"));
    m_title->setObjectName(QStringLiteral("histogramTitle"));
    m_logCheck->setObjectName(QStringLiteral("logScaleCheck"));
    m_logCheck->setToolTip(tr("Logarithmic count axis: kept weights are a sliver of a sparse layer"));
    m_zeroNote->setObjectName(QStringLiteral("zeroScoresNote"));
    m_zeroNote->setForegroundRole(QPalette::PlaceholderText);
    m_zeroNote->setToolTip(tr("log10 |score| has no value for these; they are always pruned first"));

    m_prunedBars = makeBars(m_plot, tr("pruned"), prunedColor());
    m_keptBars = makeBars(m_plot, tr("kept"), densityColor());
    m_keptBars->moveAbove(m_prunedBars);

    m_thresholdLine = new QCPItemStraightLine(m_plot);
    m_thresholdLine->setPen(QPen(thresholdColor(), 1.5));
    m_thresholdLabel = makeLineLabel(m_plot, tr("threshold"), thresholdColor());
    m_thresholdLabel->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_previewLine = new QCPItemStraightLine(m_plot);
    m_previewLine->setPen(QPen(targetColor(), 1.5, Qt::DashLine));
    m_previewLabel = makeLineLabel(m_plot, tr("next round"), targetColor());
    // One row below the threshold label, so the two never overlap when the lines are close.
    m_previewLabel->position->setTypeY(QCPItemPosition::ptAbsolute);
    m_previewLabel->position->setParentAnchorY(m_thresholdLabel->bottom);

    m_emptyText = addPlaceholderText(m_plot, QString());

    m_plot->xAxis->setLabel(tr("log10 |score|"));
    m_plot->yAxis->setLabel(tr("weights"));
    m_plot->yAxis->setNumberFormat(QStringLiteral("gb"));
    m_plot->xAxis->grid()->setVisible(false);
    applyPlotStyle(m_plot, font());

    auto* header = new QHBoxLayout;
    header->addWidget(m_title);
    header->addStretch();
    header->addWidget(m_logCheck);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_zeroNote);

    const auto fileStem = [this] {
        return m_layerName.isEmpty() ? QStringLiteral("saliency") : QStringLiteral("saliency-") + m_layerName;
    };
    installExportMenu(m_plot, {.fileStem = fileStem, .csv = [this] { return csv(); }});
    connect(m_logCheck, &QCheckBox::toggled, this, &SaliencyHistogramChart::setLogScale);
    connect(m_plot, &QCustomPlot::mouseMove, this, &SaliencyHistogramChart::onMouseMove);
    connect(m_plot, &QCustomPlot::afterLayout, this, &SaliencyHistogramChart::placeLabels); // also for exports
    setLogScale(m_logScale);
    clear();
}

void SaliencyHistogramChart::setLayer(const core::LayerStats& layer)
{
    const QString name = QString::fromStdString(layer.name);
    const core::SaliencyHistogram& h = layer.histogram;
    const bool sameThreshold = h.threshold == m_histogram.threshold ||
                               (std::isnan(h.threshold) && std::isnan(m_histogram.threshold));
    if (name == m_layerName && sameThreshold && h.edges == m_histogram.edges && h.keptCounts == m_histogram.keptCounts &&
        h.prunedCounts == m_histogram.prunedCounts && h.zeroScores == m_histogram.zeroScores)
        return; // unchanged (the usual case at 30 Hz): no replot
    if (name != m_layerName)
        m_preview.reset();
    m_layerName = name;
    m_histogram = layer.histogram;
    showHistogram();
}

void SaliencyHistogramChart::clear()
{
    m_layerName.clear();
    m_histogram = {};
    m_preview.reset();
    showHistogram();
}

void SaliencyHistogramChart::setPreviewThreshold(std::optional<double> log10Score)
{
    if (log10Score && !std::isfinite(*log10Score))
        log10Score.reset();
    if (log10Score == m_preview)
        return; // set at every repaint: replot only on a change
    m_preview = log10Score;
    updateRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SaliencyHistogramChart::setLogScale(bool on)
{
    m_logScale = on;
    if (m_logCheck->isChecked() != on)
        m_logCheck->setChecked(on);
    QCPAxis* y = m_plot->yAxis;
    y->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    y->setTicker(on ? QSharedPointer<QCPAxisTicker>(QSharedPointer<QCPAxisTickerLog>::create())
                    : QSharedPointer<QCPAxisTicker>::create());
    updateRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString SaliencyHistogramChart::csv() const
{
    QString text = QStringLiteral("layer,log10_low,log10_high,kept,pruned\n");
    const QString layer = csvField(m_layerName);
    for (int bin = 0; bin < binCount(m_histogram); ++bin) {
        text += layer + QLatin1Char(',') + csvNumber(m_histogram.edges[std::size_t(bin)]) + QLatin1Char(',')
            + csvNumber(m_histogram.edges[std::size_t(bin) + 1]) + QLatin1Char(',')
            + QString::number(countAt(m_histogram.keptCounts, bin)) + QLatin1Char(',')
            + QString::number(countAt(m_histogram.prunedCounts, bin)) + QLatin1Char('\n');
    }
    return text;
}

void SaliencyHistogramChart::showHistogram()
{
    const int bins = binCount(m_histogram);
    QVector<double> keys, kept, pruned;
    double width = 1.0;
    for (int bin = 0; bin < bins; ++bin) {
        const double low = m_histogram.edges[std::size_t(bin)];
        const double high = m_histogram.edges[std::size_t(bin) + 1];
        keys << (low + high) / 2.0;
        kept << double(countAt(m_histogram.keptCounts, bin));
        pruned << double(countAt(m_histogram.prunedCounts, bin));
        width = bin == 0 ? high - low : std::min(width, high - low);
    }
    m_keptBars->setWidth(width);
    m_prunedBars->setWidth(width);
    m_keptBars->setData(keys, kept, /*alreadySorted=*/true);
    m_prunedBars->setData(keys, pruned, /*alreadySorted=*/true);

    m_title->setText(m_layerName.isEmpty()
                         ? tr("<b>Saliency scores</b>")
                         : tr("<b>Saliency scores of %1</b>").arg(m_layerName.toHtmlEscaped()));
    const bool allZero = bins == 0 && m_histogram.zeroScores > 0;
    // An empty frame with a legend and 0…1 ticks would look like data.
    m_plot->legend->setVisible(bins > 0);
    m_plot->xAxis->setTickLabels(bins > 0);
    m_plot->yAxis->setTickLabels(bins > 0);
    m_plot->yAxis->grid()->setVisible(bins > 0);
    m_emptyText->setVisible(bins == 0);
    m_emptyText->setText(allZero ? tr("all %1 scores are exactly 0 — log10 |score| has nothing to show")
                                       .arg(formatCount(m_histogram.zeroScores))
                                 : tr("no scores yet — the histogram appears after the first scoring pass"));
    m_zeroNote->setVisible(m_histogram.zeroScores > 0 && !allZero);
    m_zeroNote->setText(m_histogram.zeroScores == 1
                            ? tr("1 score is exactly 0 (not shown)")
                            : tr("%1 scores are exactly 0 (not shown)").arg(formatCount(m_histogram.zeroScores)));
    updateRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SaliencyHistogramChart::updateRanges()
{
    const int bins = binCount(m_histogram);
    const double threshold = m_histogram.threshold;
    const bool showThreshold = bins > 0 && std::isfinite(threshold);
    const bool showPreview = bins > 0 && m_preview.has_value();

    double low = bins > 0 ? m_histogram.edges.front() : 0.0;
    double high = bins > 0 ? m_histogram.edges.back() : 1.0;
    if (showThreshold) {
        low = std::min(low, threshold);
        high = std::max(high, threshold);
    }
    if (showPreview) {
        low = std::min(low, *m_preview);
        high = std::max(high, *m_preview);
    }
    const double pad = 0.03 * (high - low);
    m_plot->xAxis->setRange(low - pad, high + pad);

    double tallest = 1.0;
    for (int bin = 0; bin < bins; ++bin)
        tallest = std::max(tallest, double(countAt(m_histogram.keptCounts, bin) + countAt(m_histogram.prunedCounts, bin)));
    // Headroom above the tallest bar for the two line labels.
    if (m_logScale)
        m_plot->yAxis->setRange(kLogFloor, tallest * 6.0);
    else
        m_plot->yAxis->setRange(0.0, tallest * 1.25);

    placeLine(m_thresholdLine, m_thresholdLabel, showThreshold ? threshold : low, showThreshold);
    placeLine(m_previewLine, m_previewLabel, showPreview ? *m_preview : low, showPreview);
}

void SaliencyHistogramChart::placeLine(QCPItemStraightLine* line, QCPItemText* label, double x, bool visible)
{
    line->setVisible(visible);
    label->setVisible(visible);
    line->point1->setCoords(x, 0.0);
    line->point2->setCoords(x, 1.0);
    label->position->setCoords(x, label == m_previewLabel ? 2.0 : 0.01);
}

void SaliencyHistogramChart::placeLabels()
{
    // In pixels, after the layout: the label goes right of its line unless it would leave the frame.
    const QRect frame = m_plot->axisRect()->rect();
    for (auto [line, label] : {std::pair(m_thresholdLine, m_thresholdLabel), std::pair(m_previewLine, m_previewLabel)}) {
        const double pixel = m_plot->xAxis->coordToPixel(line->point1->coords().x());
        const int width = QFontMetrics(label->font()).horizontalAdvance(label->text()) + 10;
        const bool right = pixel + width <= frame.right() || pixel - width < frame.left();
        label->setPositionAlignment((right ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignTop);
        label->position->setCoords(m_plot->xAxis->pixelToCoord(pixel + (right ? 3.0 : -3.0)),
                                   label->position->coords().y());
    }
}

void SaliencyHistogramChart::onMouseMove(QMouseEvent* event)
{
    const int bins = binCount(m_histogram);
    const double key = m_plot->xAxis->pixelToCoord(event->position().x());
    const auto edge = std::upper_bound(m_histogram.edges.begin(), m_histogram.edges.end(), key);
    const int bin = int(edge - m_histogram.edges.begin()) - 1;
    if (bins == 0 || bin < 0 || bin >= bins) {
        QToolTip::hideText();
        return;
    }
    const double low = m_histogram.edges[std::size_t(bin)];
    const double high = m_histogram.edges[std::size_t(bin) + 1];
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("|score| %1 – %2\nkept %3, pruned %4")
                           .arg(QString::number(std::pow(10.0, low), 'g', 3), QString::number(std::pow(10.0, high), 'g', 3),
                                formatCount(countAt(m_histogram.keptCounts, bin)),
                                formatCount(countAt(m_histogram.prunedCounts, bin))),
                       m_plot);
}

} // namespace espalier::widgets
