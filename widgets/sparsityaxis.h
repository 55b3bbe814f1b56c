#pragma once

#include <qcustomplot.h>

namespace espalier::widgets {

/// The compression 1/(1 − s) of a sparsity s (fractions): 0.9 -> 10, 0.99 -> 100. Infinite at 1.
double compressionOf(double sparsity);

/// Makes `axis` a sparsity axis: percent on a linear scale (0–100 %), or with `compression` the
/// compression on a logarithmic scale from 1× (dense) to a little past `highestKey`, labelled with
/// both readings, so 90, 99 and 99.9 % are evenly spaced.
void setSparsityAxis(QCPAxis* axis, bool compression, double highestKey);

/// Decades of compression labelled "10×" over "90 %", so a reader who thinks in sparsity is not
/// lost. Lives in: GUI thread.
class CompressionTicker : public QCPAxisTickerLog {
public:
    CompressionTicker();

protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;
};

} // namespace espalier::widgets
