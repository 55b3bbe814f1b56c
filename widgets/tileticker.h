#pragma once

#include <cstdint>

#include <qcustomplot.h>

namespace espalier::widgets {

/// Integer ticks in the middle of tiles, labelled with the tile's number: a grid of 3×3 conv
/// kernels reads "in channel 0, 2, 4", not "cell 0, 8, 16". With tiles of one cell it is an
/// integer ticker for matrices (no "2.5" between row 2 and row 3).
class TileTicker : public QCPAxisTicker {
public:
    /// `count` tiles of `tileSize` cells, `pitch` cells apart (gap included); ticks outside them
    /// have no label.
    void setTiles(std::int64_t count, std::int64_t tileSize, std::int64_t pitch);

protected:
    double getTickStep(const QCPRange& range) override;
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override;
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;

private:
    double m_pitch = 1.0;
    std::int64_t m_count = 0;
};

} // namespace espalier::widgets
