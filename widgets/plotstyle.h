#pragma once

class QCustomPlot;
class QFont;

namespace espalier::widgets {

/// The look every Espalier chart shares: the widget's font, a legend in a row of its own above the
/// axis rect (so it never covers a 100 % bar or the newest point), no frame around the legend.
void applyPlotStyle(QCustomPlot* plot, const QFont& font);

} // namespace espalier::widgets
