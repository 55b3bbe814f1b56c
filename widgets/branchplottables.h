#pragma once

#include <cmath>
#include <map>
#include <type_traits>

#include <qcustomplot.h>

#include "widgets/palette.h"
#include "widgets/plotstyle.h"

namespace espalier::widgets {

/// Points of one series, grouped as in BranchSplit.
struct BranchSeries {
    struct Points {
        QVector<double> keys, values;
        /// Skips what cannot be drawn (a validation accuracy that was not measured is NaN).
        void add(double key, double value)
        {
            if (std::isfinite(key) && std::isfinite(value)) {
                keys << key;
                values << value;
            }
        }
    };
    Points current;
    Points history;
    std::map<int, Points> others;
};

struct SeriesStyle {
    QString name;
    QColor color;
    Qt::PenStyle penStyle = Qt::SolidLine;
    bool scatter = true;
};

/// One series drawn as one plottable per branch: the current branch and its history in full
/// colour, every other branch muted and thinner on a layer below, so the current line is never
/// covered. None is in the legend; the chart picks the entries. `Plottable` is QCPGraph (points sorted by key)
/// or QCPCurve (points joined in the order given). Lives in: GUI thread.
template <class Plottable>
class BranchPlottables {
    static_assert(std::is_same_v<Plottable, QCPGraph> || std::is_same_v<Plottable, QCPCurve>);

public:
    static constexpr double kWidth = 2.0;
    static constexpr double kMutedWidth = 1.2;

    BranchPlottables(QCustomPlot* plot, QCPAxis* keyAxis, QCPAxis* valueAxis, SeriesStyle style)
        : m_plot(plot), m_keyAxis(keyAxis), m_valueAxis(valueAxis), m_style(std::move(style))
    {
        addBranchLayers(m_plot);
        m_history = make(/*muted=*/false);
        m_current = make(/*muted=*/false); // after the history, so its points are drawn on top
    }

    void setData(const BranchSeries& series)
    {
        assign(m_current, series.current);
        assign(m_history, series.history);
        for (auto it = m_others.begin(); it != m_others.end();) {
            if (series.others.count(it->first) == 0) {
                m_plot->removePlottable(it->second);
                it = m_others.erase(it);
            } else {
                ++it;
            }
        }
        for (const auto& [branch, points] : series.others) {
            Plottable*& plottable = m_others[branch];
            if (!plottable) {
                plottable = make(/*muted=*/true);
                plottable->setVisible(m_visible);
            }
            assign(plottable, points);
        }
    }

    void setVisible(bool on)
    {
        m_visible = on;
        m_current->setVisible(on);
        m_history->setVisible(on);
        for (auto& [branch, plottable] : m_others)
            plottable->setVisible(on);
    }

    [[nodiscard]] bool isVisible() const { return m_visible; }
    [[nodiscard]] Plottable* current() const { return m_current; }
    [[nodiscard]] Plottable* history() const { return m_history; }
    [[nodiscard]] const std::map<int, Plottable*>& others() const { return m_others; }
    [[nodiscard]] Plottable* other(int branch) const
    {
        const auto it = m_others.find(branch);
        return it == m_others.end() ? nullptr : it->second;
    }

private:
    Plottable* make(bool muted)
    {
        auto* plottable = new Plottable(m_keyAxis, m_valueAxis); // registers itself with the plot
        plottable->setName(m_style.name);
        plottable->removeFromLegend();
        const QColor color = muted ? mutedColor(m_style.color) : m_style.color;
        plottable->setPen(QPen(color, muted ? kMutedWidth : kWidth, m_style.penStyle));
        if (m_style.scatter)
            plottable->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, muted ? 4 : 5));
        if (muted)
            plottable->setLayer(QStringLiteral("muted"));
        return plottable;
    }

    static void assign(Plottable* plottable, const BranchSeries::Points& points)
    {
        if constexpr (std::is_same_v<Plottable, QCPGraph>)
            plottable->setData(points.keys, points.values, /*alreadySorted=*/true);
        else
            plottable->setData(points.keys, points.values);
    }

    QCustomPlot* m_plot;
    QCPAxis* m_keyAxis;
    QCPAxis* m_valueAxis;
    SeriesStyle m_style;
    Plottable* m_history;
    Plottable* m_current;
    std::map<int, Plottable*> m_others;
    bool m_visible = true;
};

} // namespace espalier::widgets
