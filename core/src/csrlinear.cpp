#include "csrlinear.h"

#include "vectorclones.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace espalier::core {
namespace {

// Below this many multiply–adds a thread hand-off costs more than it saves.
constexpr std::int64_t kParallelWork = 1 << 15;

std::int64_t grainFor(std::int64_t rows, std::int64_t work)
{
    if (work < kParallelWork)
        return rows; // one chunk: run on the calling thread
    return std::max<std::int64_t>(1, rows / (4 * at::get_num_threads()));
}

// One input row: out[r] = bias[r] + Σ values[k] · x[columns[k]]. Four partial sums: with one, every
// multiply-add waits for the previous one (the add latency, not the loads, set the pace).
void multiplyVector(const float* x, const std::int64_t* start, const std::int64_t* columns, const float* values,
                    const float* bias, float* out, std::int64_t rows)
{
    at::parallel_for(0, rows, grainFor(rows, start[rows]), [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t r = begin; r < end; ++r) {
            float partial[4] = {0.0F, 0.0F, 0.0F, 0.0F};
            std::int64_t k = start[r];
            for (; k + 4 <= start[r + 1]; k += 4)
                for (int lane = 0; lane < 4; ++lane)
                    partial[lane] += values[k + lane] * x[columns[k + lane]];
            for (; k < start[r + 1]; ++k)
                partial[0] += values[k] * x[columns[k]];
            out[r] = (bias ? bias[r] : 0.0F) + ((partial[0] + partial[1]) + (partial[2] + partial[3]));
        }
    });
}

struct CsrView {
    const std::int64_t* start;
    const std::int64_t* columns;
    const float* values;
    const float* bias;
    std::int64_t rows;
};

// dst[c, r] = src[r, c] for rows [rowBegin, rowEnd), in square blocks so that both sides stay in
// cache; a plain strided copy of a [256, 784] batch costs as much as the sparse product itself.
ESPALIER_VECTOR_CLONES void transposeRows(const float* src, std::int64_t rows, std::int64_t columns, float* dst,
                                          std::int64_t rowBegin, std::int64_t rowEnd)
{
    constexpr std::int64_t kBlock = 16;
    for (std::int64_t r0 = rowBegin; r0 < rowEnd; r0 += kBlock) {
        const std::int64_t r1 = std::min(rowEnd, r0 + kBlock);
        for (std::int64_t c0 = 0; c0 < columns; c0 += kBlock) {
            const std::int64_t c1 = std::min(columns, c0 + kBlock);
            for (std::int64_t c = c0; c < c1; ++c)
                for (std::int64_t r = r0; r < r1; ++r)
                    dst[c * rows + r] = src[r * columns + c];
        }
    }
}

void transpose(const float* src, std::int64_t rows, std::int64_t columns, float* dst)
{
    at::parallel_for(0, rows, grainFor(rows, rows * columns),
                     [&](std::int64_t begin, std::int64_t end) { transposeRows(src, rows, columns, dst, begin, end); });
}

// outT[r, :] = bias[r] + Σ values[k] · xT[columns[k], :]: each non-zero streams one contiguous
// input row of `batch` values, which the prefetcher follows and the vector units consume whole.
ESPALIER_VECTOR_CLONES void multiplyRows(const float* xT, std::int64_t batch, const CsrView& w, std::int64_t rowBegin,
                                         std::int64_t rowEnd, float* outT)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        float* __restrict dst = outT + r * batch;
        const float b = w.bias ? w.bias[r] : 0.0F;
        for (std::int64_t i = 0; i < batch; ++i)
            dst[i] = b;
        for (std::int64_t k = w.start[r]; k < w.start[r + 1]; ++k) {
            const float v = w.values[k];
            const float* __restrict src = xT + w.columns[k] * batch;
            for (std::int64_t i = 0; i < batch; ++i)
                dst[i] += v * src[i];
        }
    }
}

// Many input rows, with the batch transposed so the inner loop is contiguous. Threads get row
// ranges with equal numbers of non-zeros, not equal numbers of rows: ESPN and SNIP leave very
// uneven rows, and equal row counts left one thread doing most of the work.
void multiplyBatch(const float* x, std::int64_t batch, std::int64_t in, const CsrView& w, float* out)
{
    // Reused between calls: zero-filling fresh buffers cost a tenth of the whole product.
    // (Pointers, not the thread_locals, go into the parallel region: other threads have their own.)
    thread_local std::vector<float> xTBuffer;
    thread_local std::vector<float> outTBuffer;
    xTBuffer.resize(std::max(xTBuffer.size(), static_cast<std::size_t>(in * batch)));
    outTBuffer.resize(std::max(outTBuffer.size(), static_cast<std::size_t>(w.rows * batch)));
    float* xT = xTBuffer.data();
    float* outT = outTBuffer.data();
    transpose(x, batch, in, xT);
    const std::int64_t nonzeros = w.start[w.rows];
    const std::int64_t chunks = nonzeros * batch < kParallelWork ? 1 : 4 * at::get_num_threads();
    std::vector<std::int64_t> bounds(static_cast<std::size_t>(chunks + 1), w.rows);
    bounds[0] = 0;
    for (std::int64_t c = 1; c < chunks; ++c)
        bounds[c] = std::lower_bound(w.start, w.start + w.rows, nonzeros * c / chunks) - w.start;
    at::parallel_for(0, chunks, 1, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t c = begin; c < end; ++c)
            multiplyRows(xT, batch, w, bounds[c], bounds[c + 1], outT);
    });
    transpose(outT, w.rows, batch, out);
}

struct ConvProblem {
    const float* in;
    float* out;
    const float* bias;
    const std::int64_t* start;
    const std::int64_t* columns;
    const float* values;
    std::int64_t rows, channels, inH, inW, outH, outW, kh, kw;
    std::int64_t stride[2], padding[2], dilation[2];
};

// Direct: every non-zero weight (o, c, i, j) adds its shifted, strided input plane to output plane
// o; no im2col, so the work is the non-zeros times the output positions.
ESPALIER_VECTOR_CLONES void convolvePlanes(const ConvProblem& p, std::int64_t begin, std::int64_t end)
{
    for (std::int64_t plane = begin; plane < end; ++plane) {
        const std::int64_t n = plane / p.rows;
        const std::int64_t o = plane % p.rows;
        float* __restrict dst = p.out + plane * p.outH * p.outW;
        const float init = p.bias ? p.bias[o] : 0.0F;
        for (std::int64_t q = 0; q < p.outH * p.outW; ++q)
            dst[q] = init;
        for (std::int64_t k = p.start[o]; k < p.start[o + 1]; ++k) {
            const std::int64_t c = p.columns[k] / (p.kh * p.kw);
            const std::int64_t i = (p.columns[k] / p.kw) % p.kh;
            const std::int64_t j = p.columns[k] % p.kw;
            const float v = p.values[k];
            const float* src = p.in + (n * p.channels + c) * p.inH * p.inW;
            const std::int64_t offsetX = j * p.dilation[1] - p.padding[1];
            // Output columns whose input column lies inside the image.
            std::int64_t x0 = 0;
            while (x0 < p.outW && x0 * p.stride[1] + offsetX < 0)
                ++x0;
            std::int64_t x1 = p.outW;
            while (x1 > x0 && (x1 - 1) * p.stride[1] + offsetX >= p.inW)
                --x1;
            for (std::int64_t y = 0; y < p.outH; ++y) {
                const std::int64_t iy = y * p.stride[0] + i * p.dilation[0] - p.padding[0];
                if (iy < 0 || iy >= p.inH)
                    continue;
                const float* __restrict row = src + iy * p.inW + offsetX;
                float* __restrict target = dst + y * p.outW;
                if (p.stride[1] == 1) {
                    for (std::int64_t xo = x0; xo < x1; ++xo)
                        target[xo] += v * row[xo];
                } else {
                    for (std::int64_t xo = x0; xo < x1; ++xo)
                        target[xo] += v * row[xo * p.stride[1]];
                }
            }
        }
    }
}

} // namespace

CsrWeight toCsr(const torch::Tensor& weight)
{
    torch::NoGradGuard noGrad;
    const auto dense = weight.detach().reshape({weight.size(0), -1}).to(torch::kFloat).contiguous();
    const auto nonzero = dense.ne(0);
    CsrWeight csr;
    csr.inFeatures = dense.size(1);
    csr.rowStart = torch::zeros({dense.size(0) + 1}, torch::kLong);
    csr.rowStart.slice(0, 1).copy_(nonzero.sum(1).cumsum(0));
    const auto index = nonzero.nonzero(); // row-major order: rows ascending, columns ascending within
    csr.columns = index.select(1, 1).contiguous();
    csr.values = dense.masked_select(nonzero).contiguous();
    return csr;
}

torch::Tensor csrLinear(const torch::Tensor& x, const torch::Tensor& rowStart, const torch::Tensor& columns,
                        const torch::Tensor& values, const c10::optional<torch::Tensor>& bias)
{
    if (x.scalar_type() != torch::kFloat || values.scalar_type() != torch::kFloat)
        throw std::invalid_argument("csr_linear: float32 tensors only");
    const std::int64_t rows = rowStart.size(0) - 1;
    const std::int64_t in = x.size(-1);
    // A contiguous [batch, in] input (the usual case) goes through without reshapes: at batch 1 the
    // tensor bookkeeping around the kernel costs as much as the kernel.
    const bool plain = x.dim() == 2 && x.is_contiguous();
    const auto flat = plain ? x : x.reshape({-1, in}).contiguous();
    const std::int64_t batch = flat.size(0);
    const auto b = bias && bias->defined() ? bias->contiguous() : torch::Tensor();
    const float* biasData = b.defined() ? b.data_ptr<float>() : nullptr;
    const auto* start = rowStart.data_ptr<std::int64_t>();
    const auto* cols = columns.data_ptr<std::int64_t>();
    const auto* vals = values.data_ptr<float>();
    auto out = torch::empty({batch, rows}, torch::kFloat);
    if (batch == 1)
        multiplyVector(flat.data_ptr<float>(), start, cols, vals, biasData, out.data_ptr<float>(), rows);
    else
        multiplyBatch(flat.data_ptr<float>(), batch, in, CsrView{start, cols, vals, biasData, rows},
                      out.data_ptr<float>());
    if (plain)
        return out;
    auto shape = x.sizes().vec();
    shape.back() = rows;
    return out.reshape(shape);
}

torch::Tensor csrConv2d(const torch::Tensor& x, const torch::Tensor& rowStart, const torch::Tensor& columns,
                        const torch::Tensor& values, const c10::optional<torch::Tensor>& bias,
                        c10::IntArrayRef kernel, c10::IntArrayRef stride, c10::IntArrayRef padding,
                        c10::IntArrayRef dilation)
{
    if (x.scalar_type() != torch::kFloat || values.scalar_type() != torch::kFloat)
        throw std::invalid_argument("csr_conv2d: float32 tensors only");
    const bool batched = x.dim() == 4;
    const auto input = (batched ? x : x.unsqueeze(0)).contiguous();
    const std::int64_t batch = input.size(0);
    const std::int64_t channels = input.size(1);
    const std::int64_t inH = input.size(2);
    const std::int64_t inW = input.size(3);
    const std::int64_t kh = kernel[0];
    const std::int64_t kw = kernel[1];
    const std::int64_t outH = (inH + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1;
    const std::int64_t outW = (inW + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1;
    const std::int64_t rows = rowStart.size(0) - 1;
    auto result = torch::empty({batch, rows, outH, outW}, torch::kFloat);
    const auto b = bias && bias->defined() ? bias->contiguous() : torch::Tensor();
    const float* biasData = b.defined() ? b.data_ptr<float>() : nullptr;
    const auto* start = rowStart.data_ptr<std::int64_t>();
    const auto* cols = columns.data_ptr<std::int64_t>();
    const auto* vals = values.data_ptr<float>();
    const float* in = input.data_ptr<float>();
    float* out = result.data_ptr<float>();
    const std::int64_t planes = batch * rows;
    const std::int64_t work = start[rows] * batch * outH * outW;
    const ConvProblem problem{in, out, biasData, start, cols, vals, rows, channels, inH, inW, outH, outW, kh, kw,
                              {stride[0], stride[1]}, {padding[0], padding[1]}, {dilation[0], dilation[1]}};
    at::parallel_for(0, planes, grainFor(planes, work),
                     [&](std::int64_t begin, std::int64_t end) { convolvePlanes(problem, begin, end); });
    return batched ? result : result.squeeze(0);
}

} // namespace espalier::core
