#pragma once

class QCustomPlot;
class QFont;

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

} // namespace espalier::widgets
