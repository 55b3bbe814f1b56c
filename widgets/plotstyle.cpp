#include "widgets/plotstyle.h"

#include <qcustomplot.h>

namespace espalier::widgets {

void applyPlotStyle(QCustomPlot* plot, const QFont& font)
{
    plot->setMinimumHeight(180);
    for (QCPAxis* axis : plot->axisRect()->axes()) {
        axis->setTickLabelFont(font);
        axis->setLabelFont(font);
    }
    QCPLegend* legend = plot->legend;
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
    row->setMargins(QMargins(40, 2, 0, 0));
}

} // namespace espalier::widgets
