#include "widgets/chartannotations.h"

#include <algorithm>
#include <numeric>

#include <qcustomplot.h>


#include "widgets/palette.h"
#include "widgets/plotstyle.h"

namespace espalier::widgets {
namespace {

constexpr double kGap = 2.0;        // pixels between a line and its label, and between labels
constexpr double kHitDistance = 4.0; // pixels either side of a line that still count as on it
constexpr double kLabelShare = 0.6;  // of the frame's height, at most
const QMargins kLabelPadding(3, 1, 3, 1);

double labelThickness(const QCPItemText* label)
{
    // Rotated by 90°, the label's height is its width on screen.
    return QFontMetricsF(label->font()).height() + kLabelPadding.top() + kLabelPadding.bottom();
}

} // namespace

ChartAnnotations::ChartAnnotations(QCustomPlot* plot) : QObject(plot), m_plot(plot)
{
    addBranchLayers(m_plot);
    connect(m_plot, &QCustomPlot::afterLayout, this, &ChartAnnotations::layoutLabels);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ChartAnnotations::onMouseMove);
}

QString ChartAnnotations::elided(const QString& text)
{
    return text.size() <= kElideChars ? text : text.left(kElideChars - 1).trimmed() + QChar(0x2026);
}

void ChartAnnotations::setEntries(const std::vector<Entry>& entries)
{
    if (entries == m_entries)
        return;
    for (QCPItemText* label : m_labels)
        m_plot->removeItem(label);
    for (QCPItemStraightLine* line : m_lines)
        m_plot->removeItem(line);
    m_labels.clear();
    m_lines.clear();
    m_entries = entries;
    for (const Entry& entry : m_entries) {
        const QColor color = entry.muted ? mutedColor(annotationColor()) : annotationColor();
        auto* line = new QCPItemStraightLine(m_plot);
        line->setLayer(QStringLiteral("annotations"));
        line->setPen(QPen(color, entry.muted ? 1.0 : 1.4, Qt::DashLine));
        line->point1->setCoords(entry.x, 0.0);
        line->point2->setCoords(entry.x, 1.0);
        auto* label = new QCPItemText(m_plot);
        label->setLayer(QStringLiteral("annotations"));
        // x: pixels left of the line (layoutLabels stacks neighbours), away from the marker of the
        // round that starts after a rollback or steering; y: centred in the frame, where accuracy
        // (top) and a trained network's loss (bottom) rarely are.
        label->position->setParentAnchorX(line->point1);
        label->position->setTypeX(QCPItemPosition::ptAbsolute);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(-kGap, 0.5);
        label->setRotation(-90.0); // reads upwards along the line
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom); // rotated: left of the anchor
        label->setText(elided(entry.text)); // layoutLabels shortens it to the frame's height
        label->setColor(entry.muted ? color.darker(115) : color.darker(110));
        label->setBrush(QColor(255, 255, 255, entry.muted ? 170 : 215));
        label->setPadding(kLabelPadding);
        m_lines.push_back(line);
        m_labels.push_back(label);
    }
    layoutLabels();
}

void ChartAnnotations::layoutLabels()
{
    std::vector<std::size_t> order(m_entries.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    // Right to left; at a shared x the current history's label keeps the place next to the line.
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        if (m_entries[a].x != m_entries[b].x)
            return m_entries[a].x > m_entries[b].x;
        return !m_entries[a].muted && m_entries[b].muted;
    });
    // Short enough to leave the top and bottom of the frame, where the curves usually are, free.
    const double longest = kLabelShare * m_plot->axisRect()->height();
    double usedFrom = 1e9;
    for (const std::size_t i : order) {
        QCPItemText* label = m_labels[i];
        const QFontMetricsF metrics(label->font());
        label->setText(metrics.elidedText(elided(m_entries[i].text), Qt::ElideRight, std::max(longest, 40.0)));
        const double lineX = m_plot->xAxis->coordToPixel(m_entries[i].x);
        const double right = std::min(lineX - kGap, usedFrom - kGap);
        label->position->setCoords(right - lineX, 0.5);
        usedFrom = right - labelThickness(label);
    }
}

QString ChartAnnotations::toolTipAt(const QPointF& pixel) const
{
    if (!m_plot->axisRect()->rect().contains(pixel.toPoint()))
        return {};
    QStringList texts;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const double lineX = m_plot->xAxis->coordToPixel(m_entries[i].x);
        const double labelRight = lineX + m_labels[i]->position->key();
        const bool onLine = std::abs(pixel.x() - lineX) <= kHitDistance;
        const bool onLabel = pixel.x() <= labelRight && pixel.x() >= labelRight - labelThickness(m_labels[i]);
        if (onLine || onLabel)
            texts << (m_entries[i].muted ? tr("%1 (other branch)").arg(m_entries[i].text) : m_entries[i].text);
    }
    return texts.join(QLatin1Char('\n'));
}

void ChartAnnotations::onMouseMove(QMouseEvent* event)
{
    showPlotToolTip(m_plot, event, toolTipAt(event->position()));
}

} // namespace espalier::widgets
