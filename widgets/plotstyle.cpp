#include "widgets/plotstyle.h"

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include <QToolTip>

namespace espalier::widgets {
namespace {

constexpr int kLegendIndent = 40; // pixels; the legend starts about where the frame does

} // namespace

void applyPlotStyle(QCustomPlot* plot, const QFont& font)
{
    plot->setMinimumHeight(180);
    // QCustomPlot draws black on white whatever the desktop says; follow the palette (light or dark).
    const QPalette palette = plot->palette();
    const QColor text = palette.color(QPalette::Text);
    QColor grid = palette.color(QPalette::Mid);
    grid.setAlpha(110);
    plot->setBackground(palette.brush(QPalette::Base));
    for (QCPAxis* axis : plot->axisRect()->axes()) {
        axis->setTickLabelFont(font);
        axis->setLabelFont(font);
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    }
    QCPLegend* legend = plot->legend;
    legend->setTextColor(text);
    legend->setVisible(true);
    legend->setFont(font);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setMargins(QMargins(0, 0, 0, 0));
    legend->setColumnSpacing(16);
    plot->axisRect()->insetLayout()->take(legend);
    plot->axisRect()->insetLayout()->simplify();
    // Legend left-aligned in its own row: an empty element next to it takes the rest of the width.
    auto* row = new QCPLayoutGrid;
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, row);
    plot->plotLayout()->setRowStretchFactor(0, 0.001); // as tall as the legend, no taller
    plot->plotLayout()->setRowSpacing(0);
    row->addElement(0, 0, legend);
    row->addElement(0, 1, new QCPLayoutElement(plot));
    row->setColumnStretchFactor(0, 0.001);
    row->setMargins(QMargins(kLegendIndent, 2, 0, 0));
}

void fitLegend(QCustomPlot* plot, int width)
{
    QCPLegend* legend = plot->legend;
    int widest = 1;
    int items = 0;
    for (int i = 0; i < legend->itemCount(); ++i) { // counts the empty cells of a wrapped grid too
        if (QCPAbstractLegendItem* item = legend->item(i)) {
            widest = std::max(widest, item->minimumOuterSizeHint().width());
            ++items;
        }
    }
    const int spacing = legend->columnSpacing();
    const int perRow = std::clamp((width - kLegendIndent + spacing) / (widest + spacing), 1, std::max(1, items));
    if (legend->wrap() == perRow)
        return;
    legend->setWrap(perRow);
    legend->setFillOrder(legend->fillOrder(), /*rearrange=*/true);
}

void addBranchLayers(QCustomPlot* plot)
{
    if (plot->layer(QStringLiteral("muted")))
        return;
    QCPLayer* main = plot->layer(QStringLiteral("main"));
    plot->addLayer(QStringLiteral("annotations"), main, QCustomPlot::limBelow);
    plot->addLayer(QStringLiteral("muted"), plot->layer(QStringLiteral("annotations")), QCustomPlot::limBelow);
}

void setAccuracyRange(QCPAxis* axis, double lowestPercent)
{
    const double lowest = std::max(0.0, std::floor(lowestPercent / 10.0) * 10.0 - 5.0);
    axis->setRange(lowest, 100.0 + 0.02 * (100.0 - lowest));
}

QCPItemText* addPlaceholderText(QCustomPlot* plot, const QString& text)
{
    auto* item = new QCPItemText(plot);
    item->position->setType(QCPItemPosition::ptAxisRectRatio);
    item->position->setCoords(0.5, 0.5);
    item->setText(text);
    item->setColor(plot->palette().color(QPalette::PlaceholderText));
    return item;
}

void showPlotToolTip(QCustomPlot* plot, const QMouseEvent* event, const QString& text)
{
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, plot);
}

} // namespace espalier::widgets
