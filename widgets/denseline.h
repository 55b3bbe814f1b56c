#pragma once

#include <optional>

#include <QPen>
#include <QString>

class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;

namespace espalier::widgets {

/// The dense network's accuracy as a horizontal line across the whole axis rect, labelled at its
/// left end (curves of pruned networks end on the right). Spans the rect rather than x = 0 so it
/// also works on a log axis. On the "annotations" layer, under the curves. Lives in: GUI thread.
class DenseLine {
public:
    DenseLine(QCustomPlot* plot, const QPen& pen);

    /// Draws the line at `value` (plot coordinates) with `label`; nullopt hides both.
    void set(std::optional<double> value, const QString& label);

    [[nodiscard]] QCPItemStraightLine* line() const { return m_line; }
    [[nodiscard]] QCPItemText* label() const { return m_label; }

private:
    QCPItemStraightLine* m_line; // owned by the plot
    QCPItemText* m_label;
};

} // namespace espalier::widgets
