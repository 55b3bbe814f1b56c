#include "widgets/densitychart.h"

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>

#include "widgets/chartexport.h"
#include "widgets/format.h"
#include "widgets/layertablemodel.h"
#include "widgets/palette.h"
#include "widgets/plotstyle.h"

namespace espalier::widgets {
namespace {

constexpr double kBarWidth = 0.7;
constexpr double kLinearTop = 105.0; // percent; room above a dense layer's 100 % bar

QCPBars* makeBars(QCustomPlot* plot, const QString& name, const QColor& color, bool outline)
{
    QCPBars* bars = makeClippedBars(plot->xAxis, plot->yAxis); // the collapsed band is taller than the frame
    bars->setName(name);
    bars->setWidth(kBarWidth);
    bars->setPen(outline ? QPen(color.darker(130)) : QPen(Qt::NoPen));
    bars->setBrush(color);
    return bars;
}

} // namespace

DensityChart::DensityChart(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_logCheck(new QCheckBox(tr("Log scale"), this))
{
    m_plot->setObjectName(QStringLiteral("densityPlot"));
    m_logCheck->setObjectName(QStringLiteral("logScaleCheck"));
    m_logCheck->setToolTip(tr("Logarithmic density axis, for sparsities beyond 99 %"));

    QColor band = warningColor();
    band.setAlpha(45);
    m_collapsedBars = makeBars(m_plot, tr("collapsed"), band, false);
    m_okBars = makeBars(m_plot, tr("density"), densityColor(), true);
    m_nearFloorBars = makeBars(m_plot, tr("near floor"), nearFloorColor(), true);

    m_targetLine = new QCPItemStraightLine(m_plot);
    m_targetLine->setPen(QPen(targetColor(), 1.5, Qt::DashLine));
    m_targetLabel = new QCPItemText(m_plot);
    m_targetLabel->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_targetLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    m_targetLabel->setColor(targetColor());
    m_targetLabel->setBrush(QBrush(QColor(255, 255, 255, 220))); // readable over a bar
    m_targetLabel->setPadding(QMargins(3, 1, 3, 1));
    m_emptyText = addPlaceholderText(m_plot, tr("No layers yet"));

    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->xAxis->setTickLength(0, 3);
    m_plot->yAxis->setLabel(tr("density (%)"));
    m_plot->yAxis->setNumberFormat(QStringLiteral("g"));
    m_plot->yAxis->setNumberPrecision(3);
    applyPlotStyle(m_plot, font());

    auto* title = new QLabel(tr("<b>Density per layer</b>"), this);
    auto* header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch();
    header->addWidget(m_logCheck);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_plot, 1);

    installExportMenu(m_plot, {.fileStem = [] { return QStringLiteral("density"); }, .csv = [this] { return csv(); }});
    connect(m_logCheck, &QCheckBox::toggled, this, &DensityChart::setLogScale);
    connect(m_logCheck, &QCheckBox::clicked, this, [this] { m_userChoseScale = true; });
    connect(m_plot, &QCustomPlot::mouseMove, this, &DensityChart::onMouseMove);
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        if (event->button() != Qt::LeftButton)
            return; // the right button opens the export menu
        const int layer = layerAt(event->position().x());
        if (layer >= 0)
            Q_EMIT layerClicked(m_names[layer]);
    });
    setLayers({}, 0.0);
}

void DensityChart::setLayers(const std::vector<core::LayerStats>& layers, double targetSparsity)
{
    // Called at every repaint; a replot costs the trainer CPU time, so only when a bar would move.
    const auto sameBar = [](const core::LayerStats& a, const core::LayerStats& b) {
        return a.name == b.name && a.kept == b.kept && a.numel == b.numel && a.floor == b.floor &&
               a.collapsed == b.collapsed;
    };
    if (!m_layers.empty() && 1.0 - targetSparsity == m_targetDensity &&
        std::equal(layers.begin(), layers.end(), m_layers.begin(), m_layers.end(), sameBar))
        return;
    QStringList names;
    names.reserve(qsizetype(layers.size()));
    QVector<double> okKeys, okValues, floorKeys, floorValues, collapsedKeys, collapsedValues;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        names << QString::fromStdString(layers[i].name);
        const double key = double(i + 1);
        switch (layerStatus(layers[i])) {
        case LayerStatus::Ok:
            okKeys << key;
            okValues << layers[i].density() * 100.0;
            break;
        case LayerStatus::NearFloor:
            floorKeys << key;
            floorValues << layers[i].density() * 100.0;
            break;
        case LayerStatus::Collapsed: // no height to draw: mark the whole column instead
            collapsedKeys << key;
            collapsedValues << 1000.0;
            break;
        }
    }
    m_layers = layers;
    m_targetDensity = 1.0 - targetSparsity;
    m_okBars->setData(okKeys, okValues, /*alreadySorted=*/true);
    m_nearFloorBars->setData(floorKeys, floorValues, /*alreadySorted=*/true);
    m_collapsedBars->setData(collapsedKeys, collapsedValues, /*alreadySorted=*/true);
    // Only layers that exist get a legend entry, so an empty series does not raise questions.
    m_nearFloorBars->removeFromLegend();
    m_collapsedBars->removeFromLegend();
    if (!floorKeys.isEmpty())
        m_nearFloorBars->addToLegend();
    if (!collapsedKeys.isEmpty())
        m_collapsedBars->addToLegend();
    if (names != m_names) {
        m_names = names;
        updateTicks();
    }
    m_emptyText->setVisible(m_names.isEmpty());
    const bool wantLog = !m_names.isEmpty() && m_targetDensity < kLogBelowDensity;
    if (!m_userChoseScale && wantLog != m_logScale)
        setLogScale(wantLog); // 2 % and 0.4 % bars are invisible on a linear axis
    updateRange();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void DensityChart::setLogScale(bool on)
{
    m_logScale = on;
    if (m_logCheck->isChecked() != on)
        m_logCheck->setChecked(on);
    QCPAxis* y = m_plot->yAxis;
    if (on) {
        y->setScaleType(QCPAxis::stLogarithmic);
        y->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        y->setScaleType(QCPAxis::stLinear);
        y->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    updateRange();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString DensityChart::csv() const
{
    QString text = QStringLiteral("layer,shape,numel,kept,density,floor,status\n");
    for (const core::LayerStats& layer : m_layers) {
        QStringList dims;
        for (const std::int64_t dim : layer.shape)
            dims << QString::number(dim);
        QString status;
        switch (layerStatus(layer)) {
        case LayerStatus::Ok: status = QStringLiteral("ok"); break;
        case LayerStatus::NearFloor: status = QStringLiteral("near_floor"); break;
        case LayerStatus::Collapsed: status = QStringLiteral("collapsed"); break;
        }
        text += QStringList{csvField(QString::fromStdString(layer.name)), dims.join(QLatin1Char('x')),
                            QString::number(layer.numel), QString::number(layer.kept), csvNumber(layer.density()),
                            csvNumber(layer.floor), status}
                    .join(QLatin1Char(','))
            + QLatin1Char('\n');
    }
    return text;
}

void DensityChart::updateTicks()
{
    auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(m_plot->xAxis->ticker());
    ticker->clear();
    for (int i = 0; i < m_names.size(); ++i)
        ticker->addTick(i + 1, m_names[i]);
    // Long lists of names (ResNets) only fit when slanted.
    m_plot->xAxis->setTickLabelRotation(m_names.size() > 8 ? 45 : 0);
}

void DensityChart::updateRange()
{
    const double targetPercent = m_targetDensity * 100.0;
    m_plot->xAxis->setRange(0.4, std::max<double>(1, m_names.size()) + 0.6);
    if (m_logScale) {
        double lowest = std::max(targetPercent, 0.1);
        for (const core::LayerStats& layer : m_layers) {
            if (layer.kept > 0)
                lowest = std::min(lowest, layer.density() * 100.0);
        }
        // At least a factor 2 below the lowest bar, so a 1.08 % layer does not sit on a 1 % axis.
        m_plot->yAxis->setRange(std::pow(10.0, std::floor(std::log10(lowest / 2.0))), 150.0);
    } else {
        m_plot->yAxis->setRange(0.0, kLinearTop);
    }
    const bool showTarget = !m_names.isEmpty() && m_targetDensity < 1.0;
    m_targetLine->setVisible(showTarget);
    m_targetLabel->setVisible(showTarget);
    m_targetLine->point1->setCoords(0.0, targetPercent);
    m_targetLine->point2->setCoords(1.0, targetPercent);
    m_targetLabel->position->setCoords(0.995, targetPercent);
    m_targetLabel->setText(tr("target %1").arg(formatPercent(m_targetDensity)));
}

int DensityChart::layerAt(double pixelX) const
{
    const double key = m_plot->xAxis->pixelToCoord(pixelX);
    const int index = int(std::lround(key)) - 1;
    if (index < 0 || index >= m_names.size() || std::abs(key - (index + 1)) > kBarWidth / 2)
        return -1;
    return index;
}

void DensityChart::onMouseMove(QMouseEvent* event)
{
    const int index = layerAt(event->position().x());
    if (index < 0 || std::size_t(index) >= m_layers.size()) {
        QToolTip::hideText();
        return;
    }
    const core::LayerStats& layer = m_layers[std::size_t(index)];
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1  %2\nkept %3 of %4 (%5)")
                           .arg(m_names[index], formatShape(layer.shape), formatCount(layer.kept),
                                formatCount(layer.numel), formatPercent(layer.density())),
                       m_plot);
}

} // namespace espalier::widgets
