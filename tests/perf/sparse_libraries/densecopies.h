#pragma once
// The dense copies some libraries need around their product (a transposed batch, the bias). They are
// part of what a caller pays, so they run inside the timed region, threaded like Espalier's own.

#include <algorithm>
#include <cstdint>

namespace espalier::bench {

/// dst[c, r] = src[r, c] for a [rows, columns] row-major src, in 16×16 blocks so both sides stay in
/// cache; split over `threads` OpenMP threads when the copy is large enough to pay for the hand-off.
inline void transposeInto(const float* src, std::int64_t rows, std::int64_t columns, float* dst, int threads)
{
    constexpr std::int64_t kBlock = 16;
    const std::int64_t blocks = (rows + kBlock - 1) / kBlock;
    const bool parallel = threads > 1 && rows * columns >= (1 << 15);
#pragma omp parallel for num_threads(threads) if (parallel) schedule(static)
    for (std::int64_t b = 0; b < blocks; ++b) {
        const std::int64_t r0 = b * kBlock;
        const std::int64_t r1 = std::min(rows, r0 + kBlock);
        for (std::int64_t c0 = 0; c0 < columns; c0 += kBlock) {
            const std::int64_t c1 = std::min(columns, c0 + kBlock);
            for (std::int64_t c = c0; c < c1; ++c)
                for (std::int64_t r = r0; r < r1; ++r)
                    dst[c * rows + r] = src[r * columns + c];
        }
    }
}

/// y[i, :] += bias for every row i of a [batch, features] row-major y.
inline void addBiasRows(float* y, std::int64_t batch, std::int64_t features, const float* bias)
{
    for (std::int64_t i = 0; i < batch; ++i)
        for (std::int64_t j = 0; j < features; ++j)
            y[i * features + j] += bias[j];
}

/// y[:, j] += bias for every column j of a [features, batch] row-major y (a transposed result).
inline void addBiasColumns(float* y, std::int64_t features, std::int64_t batch, const float* bias)
{
    for (std::int64_t r = 0; r < features; ++r)
        for (std::int64_t j = 0; j < batch; ++j)
            y[r * batch + j] += bias[r];
}

} // namespace espalier::bench
