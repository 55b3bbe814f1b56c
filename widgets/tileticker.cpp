#include "widgets/tileticker.h"

#include <algorithm>
#include <cmath>

namespace espalier::widgets {

void TileTicker::setTiles(std::int64_t count, std::int64_t tileSize, std::int64_t pitch)
{
    m_count = count;
    m_pitch = double(std::max<std::int64_t>(1, pitch));
    setTickOrigin(double(tileSize - 1) / 2.0);
}

double TileTicker::getTickStep(const QCPRange& range)
{
    // Spread the ticks over the part of the range that has tiles: a fitted view with square cells
    // has empty space on one axis, which would otherwise leave a single labelled tick.
    const double lower = std::max(range.lower, -0.5);
    const double upper = std::min(range.upper, double(m_count) * m_pitch);
    const double visible = upper > lower ? upper - lower : range.size();
    const double raw = visible / m_pitch / (double(tickCount()) + 1e-10);
    const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
    const double mantissa = raw / magnitude;
    const double nice = mantissa <= 1.0 ? 1.0 : mantissa <= 2.0 ? 2.0 : mantissa <= 5.0 ? 5.0 : 10.0;
    return m_pitch * nice * magnitude; // a whole number of tiles: 1, 2 or 5 times a power of ten
}

QVector<double> TileTicker::createTickVector(double tickStep, const QCPRange& range)
{
    QVector<double> ticks = QCPAxisTicker::createTickVector(tickStep, range);
    // No tick marks in the empty space beside the tensor.
    const double last = tickOrigin() + double(m_count - 1) * m_pitch + 0.5;
    ticks.removeIf([&](double tick) { return tick < tickOrigin() - 0.5 || tick > last; });
    return ticks;
}

QString TileTicker::getTickLabel(double tick, const QLocale&, QChar, int)
{
    const auto tile = std::llround((tick - tickOrigin()) / m_pitch);
    return tile >= 0 && tile < m_count ? QString::number(tile) : QString();
}

} // namespace espalier::widgets
