#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <QString>

namespace espalier::widgets {

/// Where each element of a tensor sits in the mask inspector's grid of cells. Rows are output
/// units. A conv weight [out, in, kh, kw] becomes out × in tiles of kh × kw cells with a one-cell
/// gap between tiles; any other tensor is a matrix [shape[0], rest] (a 1-D tensor is one row).
class MaskLayout {
public:
    MaskLayout() = default;
    explicit MaskLayout(std::vector<std::int64_t> shape);

    [[nodiscard]] const std::vector<std::int64_t>& shape() const { return m_shape; }
    [[nodiscard]] std::int64_t numel() const { return m_rows * m_columns * m_tileHeight * m_tileWidth; }
    [[nodiscard]] bool tiled() const { return m_gap > 0; }
    [[nodiscard]] std::int64_t rows() const { return m_rows; }       ///< output units / channels
    [[nodiscard]] std::int64_t columns() const { return m_columns; } ///< inputs / in channels
    [[nodiscard]] std::int64_t gap() const { return m_gap; } ///< cells between tiles
    [[nodiscard]] std::int64_t rowPitch() const { return m_tileHeight + m_gap; }
    [[nodiscard]] std::int64_t columnPitch() const { return m_tileWidth + m_gap; }
    /// Grid size in cells, gaps included.
    [[nodiscard]] std::int64_t width() const { return span(m_columns, m_tileWidth); }
    [[nodiscard]] std::int64_t height() const { return span(m_rows, m_tileHeight); }

    /// Flat (row-major) tensor index at grid cell (row, column); nullopt on a gap or outside.
    [[nodiscard]] std::optional<std::int64_t> flatIndexAt(std::int64_t row, std::int64_t column) const;
    /// Grid cell (row, column) of a flat tensor index.
    [[nodiscard]] std::pair<std::int64_t, std::int64_t> cellOf(std::int64_t flatIndex) const;
    /// The tensor index of a flat index in the tensor's own shape, e.g. {12, 3, 1, 2}.
    [[nodiscard]] std::vector<std::int64_t> unravel(std::int64_t flatIndex) const;

    /// Calls visit(flatIndex, row, column) for every element, in flat order (sequential reads of
    /// the tensor; a template so the million-cell loop inlines).
    template <typename Visit>
    void forEachElement(Visit&& visit) const
    {
        std::int64_t flat = 0;
        for (std::int64_t out = 0; out < m_rows; ++out) {
            for (std::int64_t in = 0; in < m_columns; ++in) {
                for (std::int64_t y = 0; y < m_tileHeight; ++y) {
                    const std::int64_t row = out * rowPitch() + y;
                    const std::int64_t column0 = in * columnPitch();
                    for (std::int64_t x = 0; x < m_tileWidth; ++x)
                        visit(flat++, row, column0 + x);
                }
            }
        }
    }

private:
    [[nodiscard]] std::int64_t span(std::int64_t tiles, std::int64_t tileSize) const
    {
        return tiles == 0 ? 0 : tiles * tileSize + (tiles - 1) * m_gap;
    }

    std::vector<std::int64_t> m_shape;
    std::int64_t m_rows = 0;
    std::int64_t m_columns = 0;
    std::int64_t m_tileHeight = 1;
    std::int64_t m_tileWidth = 1;
    std::int64_t m_gap = 0;
};

/// A tensor index as PyTorch prints it: {12, 3, 1, 2} -> "[12, 3, 1, 2]".
QString formatIndex(const std::vector<std::int64_t>& index);

} // namespace espalier::widgets
