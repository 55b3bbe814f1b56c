#pragma once

#include <vector>

#include <QObject>
#include <QString>

class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QMouseEvent;

namespace espalier::widgets {

/// Steering changes, rollbacks and refused rounds on a time plot: a dashed vertical line at each
/// annotation's x with its text, elided and rotated along the line; hovering the line or the label
/// shows the full text. Labels that would overlap move right, away from their line's side.
/// Lives in: GUI thread.
class ChartAnnotations : public QObject {
    Q_OBJECT
public:
    struct Entry {
        double x = 0.0;
        QString text;
        bool muted = false; ///< off the current branch's history
        bool operator==(const Entry&) const = default;
    };

    static constexpr int kElideChars = 30;

    /// Draws on `plot`'s "annotations" layer; owned by `plot`.
    explicit ChartAnnotations(QCustomPlot* plot);

    void setEntries(const std::vector<Entry>& entries);
    [[nodiscard]] const std::vector<Entry>& entries() const { return m_entries; }
    [[nodiscard]] QCPItemStraightLine* line(std::size_t i) const { return m_lines.at(i); }
    [[nodiscard]] QCPItemText* label(std::size_t i) const { return m_labels.at(i); }
    /// The full texts of the annotations under `pixel` (line or label), one a line; empty if none.
    [[nodiscard]] QString toolTipAt(const QPointF& pixel) const;
    /// "rolled back to the end of round 1 (branch 1)" -> "rolled back to the end of r…"
    static QString elided(const QString& text);

private:
    void layoutLabels();
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot;
    std::vector<Entry> m_entries;
    std::vector<QCPItemStraightLine*> m_lines;
    std::vector<QCPItemText*> m_labels;
};

} // namespace espalier::widgets
