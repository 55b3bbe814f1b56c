#include "widgets/masklayout.h"

#include <QStringList>

namespace espalier::widgets {

MaskLayout::MaskLayout(std::vector<std::int64_t> shape) : m_shape(std::move(shape))
{
    std::int64_t rest = 1;
    for (std::size_t i = 1; i < m_shape.size(); ++i)
        rest *= m_shape[i];
    if (m_shape.empty()) { // a scalar: one cell
        m_rows = 1;
        m_columns = 1;
    } else if (m_shape.size() == 1) {
        m_rows = 1;
        m_columns = m_shape[0];
    } else if (m_shape.size() == 4 && m_shape[2] * m_shape[3] > 1) {
        m_rows = m_shape[0];
        m_columns = m_shape[1];
        m_tileHeight = m_shape[2];
        m_tileWidth = m_shape[3];
        m_gap = 1;
    } else { // Linear [out, in], a 1×1 conv (tiles of one cell would be half gap), other ranks
        m_rows = m_shape[0];
        m_columns = rest;
    }
}

std::optional<std::int64_t> MaskLayout::flatIndexAt(std::int64_t row, std::int64_t column) const
{
    if (row < 0 || column < 0 || row >= height() || column >= width())
        return std::nullopt;
    const std::int64_t out = row / rowPitch();
    const std::int64_t y = row % rowPitch();
    const std::int64_t in = column / columnPitch();
    const std::int64_t x = column % columnPitch();
    if (y >= m_tileHeight || x >= m_tileWidth)
        return std::nullopt;
    return ((out * m_columns + in) * m_tileHeight + y) * m_tileWidth + x;
}

std::pair<std::int64_t, std::int64_t> MaskLayout::cellOf(std::int64_t flatIndex) const
{
    const std::int64_t x = flatIndex % m_tileWidth;
    const std::int64_t y = (flatIndex / m_tileWidth) % m_tileHeight;
    const std::int64_t tile = flatIndex / (m_tileWidth * m_tileHeight);
    const std::int64_t in = tile % m_columns;
    const std::int64_t out = tile / m_columns;
    return {out * rowPitch() + y, in * columnPitch() + x};
}

std::vector<std::int64_t> MaskLayout::unravel(std::int64_t flatIndex) const
{
    std::vector<std::int64_t> index(m_shape.size());
    for (std::size_t i = m_shape.size(); i-- > 0;) {
        index[i] = m_shape[i] > 0 ? flatIndex % m_shape[i] : 0;
        flatIndex = m_shape[i] > 0 ? flatIndex / m_shape[i] : 0;
    }
    return index;
}

QString formatIndex(const std::vector<std::int64_t>& index)
{
    QStringList parts;
    parts.reserve(qsizetype(index.size()));
    for (const std::int64_t i : index)
        parts << QString::number(i);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

} // namespace espalier::widgets
