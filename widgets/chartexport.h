#pragma once

#include <functional>

#include <QString>

class QCPAxis;
class QCPBars;
class QCustomPlot;
class QMenu;

namespace espalier::widgets {

/// Writes `plot` at its on-screen size to `path`; the suffix picks the format: .png (savePng),
/// .svg (QSvgGenerator) or .pdf (savePdf). The file is replaced atomically, so a failed export
/// leaves an earlier file intact. On failure `error` gets a sentence naming the path and the reason.
bool exportChart(QCustomPlot* plot, const QString& path, QString* error = nullptr);

/// Writes `text` as UTF-8 to `path` through QSaveFile (temporary file, then rename); the same
/// failure contract as exportChart.
bool saveText(const QString& path, const QString& text, QString* error = nullptr);

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
QString csvField(const QString& text);
/// A number as the shortest text that reads back to the same double; NaN as an empty field.
QString csvNumber(double value);

struct ChartExportOptions {
    std::function<QString()> fileStem; ///< suggested file name without suffix, e.g. "density"
    std::function<QString()> csv;      ///< the chart's data as CSV; unset: no "Save data" entry
};

/// Bars that cut their rectangles to the axis rect themselves. QSvgGenerator (Qt 6.4) ignores the
/// painter's clip, so a bar on a log axis (its base 0 lies far below the frame) or a full-height
/// band would otherwise run across the tick labels of an exported SVG. No selection drawing.
QCPBars* makeClippedBars(QCPAxis* keyAxis, QCPAxis* valueAxis);

/// Gives `plot` a right-click menu (objectName chartExportMenu) with "Save image as PNG/SVG/PDF…"
/// and "Save data as CSV…" (actions savePngAction, saveSvgAction, savePdfAction, saveCsvAction).
/// Each asks for a path and reports a failure in a message box. Returns the menu, owned by `plot`.
QMenu* installExportMenu(QCustomPlot* plot, ChartExportOptions options);

} // namespace espalier::widgets
