#pragma once

class QCPAxis;
class QCPItemText;
class QCustomPlot;
class QFont;
class QMouseEvent;
class QString;

namespace espalier::widgets {

/// The look every Espalier chart shares: the widget's font, a legend in a row of its own above the
/// axis rect (so it never covers a 100 % bar or the newest point), no frame around the legend.
void applyPlotStyle(QCustomPlot* plot, const QFont& font);

/// Breaks the legend row into as many rows as it takes for every entry to stay readable when the
/// plot is `width` pixels wide. Call after changing the legend's entries and on resize.
void fitLegend(QCustomPlot* plot, int width);

/// Layers under "main" for charts that draw several branches: "muted" (other branches) at the
/// bottom, "annotations" above it, so neither covers the current branch. Safe to call twice.
void addBranchLayers(QCustomPlot* plot);

/// An accuracy axis in percent from a round 10 % below `lowestPercent` (5 % of room under it) to a
/// little past 100 %, so a 100 % line stays off the frame.
void setAccuracyRange(QCPAxis* axis, double lowestPercent);

/// A grey note in the middle of the axis rect for a chart with nothing to draw yet ("No finished
/// epochs yet"); the chart hides it once there is data.
QCPItemText* addPlaceholderText(QCustomPlot* plot, const QString& text);

/// The hover text of a chart at the mouse: shown next to the cursor, or the tooltip hidden when
/// `text` is empty (the cursor left every point).
void showPlotToolTip(QCustomPlot* plot, const QMouseEvent* event, const QString& text);

} // namespace espalier::widgets
