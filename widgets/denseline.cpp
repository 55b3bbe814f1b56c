#include "widgets/denseline.h"

#include <qcustomplot.h>

#include "widgets/plotstyle.h"

namespace espalier::widgets {

DenseLine::DenseLine(QCustomPlot* plot, const QPen& pen)
    : m_line(new QCPItemStraightLine(plot)), m_label(new QCPItemText(plot))
{
    addBranchLayers(plot); // the "annotations" layer
    m_line->setLayer(QStringLiteral("annotations"));
    m_line->setPen(pen);
    for (QCPItemPosition* point : {m_line->point1, m_line->point2})
        point->setTypeX(QCPItemPosition::ptAxisRectRatio); // a log axis has no x = 0
    m_line->point1->setCoords(0.0, 0.0);
    m_line->point2->setCoords(1.0, 0.0);
    m_label->setLayer(QStringLiteral("annotations"));
    m_label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_label->setColor(pen.color());
    m_label->setBrush(QBrush(QColor(255, 255, 255, 215))); // readable over a curve
    m_label->setPadding(QMargins(3, 1, 3, 1));
}

void DenseLine::set(std::optional<double> value, const QString& label)
{
    m_line->setVisible(value.has_value());
    m_label->setVisible(value.has_value());
    const double y = value.value_or(0.0);
    m_line->point1->setCoords(0.0, y);
    m_line->point2->setCoords(1.0, y);
    m_label->position->setCoords(0.01, y);
    m_label->setText(label);
}

} // namespace espalier::widgets
