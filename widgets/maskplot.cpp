#include "widgets/maskplot.h"

#include <algorithm>

#include <QScopedValueRollback>

#include "widgets/plotstyle.h"
#include "widgets/tileticker.h"

namespace espalier::widgets {
namespace {

// Plot range of `cells` raster cells of `factor` grid cells each, centred on their grid cells.
QCPRange cellRange(int cells, int factor, std::int64_t gridCells)
{
    if (cells <= 1) // QCPColorMap stretches a single cell over the whole range
        return QCPRange(-0.5, double(std::min<std::int64_t>(factor, gridCells)) - 0.5);
    const double offset = (factor - 1) / 2.0;
    return QCPRange(offset, double(cells - 1) * factor + offset);
}

} // namespace

MaskPlot::MaskPlot(QWidget* parent) : QCustomPlot(parent)
{
    m_colorMap = new QCPColorMap(xAxis, yAxis);
    m_colorMap->setInterpolate(false); // crisp cells when zoomed in
    m_colorScale = new QCPColorScale(this);
    m_colorScale->setBarWidth(10);
    m_colorScale->setVisible(false);
    auto* margins = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_colorScale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_emptyText = addPlaceholderText(this, QString());

    auto xTicker = QSharedPointer<TileTicker>::create();
    auto yTicker = QSharedPointer<TileTicker>::create();
    m_xTicker = xTicker.data();
    m_yTicker = yTicker.data();
    xAxis->setTicker(xTicker);
    yAxis->setTicker(yTicker);
    yAxis->setRangeReversed(true); // row 0 (the first output unit) on top, as PyTorch prints it
    // Not applyPlotStyle(): the legend row it adds would stay empty; the inspector's legend is a label.
    for (QCPAxis* axis : {xAxis, yAxis, m_colorScale->axis()}) {
        axis->setTickLabelFont(font());
        axis->setLabelFont(font());
        axis->setSubTicks(false);
        axis->grid()->setVisible(false);
    }
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setMinimumHeight(200);

    for (QCPAxis* axis : {xAxis, yAxis}) {
        connect(axis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] {
            if (!m_settingRange)
                m_fitted = false; // the user zoomed or panned: a resize keeps that view
            updateInterpolation();
        });
    }
    // The axis rect's size is only known after the layout step of a replot.
    connect(this, &QCustomPlot::afterLayout, this, &MaskPlot::onLayout);
}

void MaskPlot::setRaster(const MaskRaster& raster, const MaskLayout& layout)
{
    m_gridWidth = layout.width();
    m_gridHeight = layout.height();
    QCPColorMapData* data = m_colorMap->data();
    data->setSize(raster.width, raster.height);
    data->setRange(cellRange(raster.width, raster.factor, m_gridWidth),
                   cellRange(raster.height, raster.factor, m_gridHeight));
    // setCell is the only public way in; it is a bounds check and a store per cell.
    const double* cell = raster.cells.data();
    for (int row = 0; row < raster.height; ++row) {
        for (int column = 0; column < raster.width; ++column)
            data->setCell(column, row, *cell++);
    }
    m_colorMap->setGradient(raster.gradient);
    m_colorMap->setDataRange(raster.range);
    setScaleShown(raster.hasScale);
    if (raster.hasScale) {
        m_colorScale->setGradient(raster.scaleGradient);
        m_colorScale->setDataRange(raster.scaleRange);
        m_colorScale->axis()->setLabel(raster.scaleLabel);
    }

    m_xTicker->setTiles(layout.columns(), layout.columnPitch() - layout.gap(), layout.columnPitch());
    m_yTicker->setTiles(layout.rows(), layout.rowPitch() - layout.gap(), layout.rowPitch());
    const bool vector = layout.shape().size() <= 1;
    xAxis->setLabel(layout.tiled() ? tr("input channel") : vector ? tr("element") : tr("input"));
    yAxis->setLabel(layout.tiled() ? tr("output channel") : vector ? QString() : tr("output unit"));
    xAxis->setVisible(true);
    yAxis->setVisible(true);
    m_emptyText->setVisible(false);
    replot(rpQueuedReplot);
}

void MaskPlot::showEmpty(const QString& text)
{
    m_gridWidth = m_gridHeight = 0;
    m_colorMap->data()->clear();
    setScaleShown(false);
    xAxis->setVisible(false);
    yAxis->setVisible(false);
    m_emptyText->setText(text);
    m_emptyText->setVisible(true);
    replot(rpQueuedReplot);
}

void MaskPlot::fit()
{
    m_fitted = true;
    applyFit();
    replot(rpQueuedReplot);
}

void MaskPlot::setSquareCells(bool on)
{
    m_square = on;
    m_fitted ? applyFit() : keepSquare();
    replot(rpQueuedReplot);
}

void MaskPlot::setScaleShown(bool shown)
{
    QCPLayoutGrid* grid = plotLayout();
    const bool inLayout = grid->hasElement(0, 1) && grid->element(0, 1) == m_colorScale;
    if (shown && !inLayout) {
        grid->addElement(0, 1, m_colorScale);
    } else if (!shown && inLayout) { // an invisible element would still take its width
        grid->take(m_colorScale);
        grid->simplify();
    }
    m_colorScale->setVisible(shown);
}

void MaskPlot::applyFit()
{
    const double width = double(std::max<std::int64_t>(1, m_gridWidth));
    const double height = double(std::max<std::int64_t>(1, m_gridHeight));
    double xSize = width;
    double ySize = height;
    if (m_square) {
        const QRect rect = axisRect()->rect();
        const double pixelWidth = std::max(1, rect.width());
        const double pixelHeight = std::max(1, rect.height());
        const double cellsPerPixel = std::max(width / pixelWidth, height / pixelHeight);
        xSize = pixelWidth * cellsPerPixel;
        ySize = pixelHeight * cellsPerPixel;
    }
    const QScopedValueRollback guard(m_settingRange, true);
    xAxis->setRange((width - 1.0) / 2.0, xSize, Qt::AlignCenter);
    yAxis->setRange((height - 1.0) / 2.0, ySize, Qt::AlignCenter);
}

void MaskPlot::keepSquare()
{
    if (!m_square)
        return;
    const QScopedValueRollback guard(m_settingRange, true);
    xAxis->setScaleRatio(yAxis, 1.0);
}

void MaskPlot::onLayout()
{
    const QSize size = axisRect()->rect().size();
    if (size == m_axisRectSize || m_gridWidth == 0)
        return;
    m_axisRectSize = size;
    m_fitted ? applyFit() : keepSquare();
    updateInterpolation();
    replot(rpQueuedReplot); // this frame's ticks were laid out for the old ranges
}

void MaskPlot::updateInterpolation()
{
    // Smaller than a pixel, nearest-neighbour sampling turns the gaps between conv tiles into
    // moiré stripes; smoothing blends them. Zoomed in, cells stay crisp. Switching recolours the
    // map, so only on crossing.
    const double cellsPerPixel = xAxis->range().size() / std::max(1, axisRect()->width());
    const bool smooth = cellsPerPixel > 1.0;
    if (smooth != m_colorMap->interpolate())
        m_colorMap->setInterpolate(smooth);
}

} // namespace espalier::widgets
