#include "csrlinear.h"

#include <ATen/Parallel.h>

#include <stdexcept>

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

// One input row: out[r] = bias[r] + Σ values[k] · x[columns[k]].
void multiplyVector(const float* x, const std::int64_t* start, const std::int64_t* columns, const float* values,
                    const float* bias, float* out, std::int64_t rows)
{
    at::parallel_for(0, rows, grainFor(rows, start[rows]), [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t r = begin; r < end; ++r) {
            float sum = bias ? bias[r] : 0.0F;
            for (std::int64_t k = start[r]; k < start[r + 1]; ++k)
                sum += values[k] * x[columns[k]];
            out[r] = sum;
        }
    });
}

// Many input rows, transposed: outT[r, :] = bias[r] + Σ values[k] · xT[columns[k], :].
void multiplyTransposed(const float* xT, std::int64_t batch, const std::int64_t* start, const std::int64_t* columns,
                        const float* values, const float* bias, float* outT, std::int64_t rows)
{
    at::parallel_for(0, rows, grainFor(rows, start[rows] * batch), [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t r = begin; r < end; ++r) {
            float* __restrict dst = outT + r * batch;
            const float b = bias ? bias[r] : 0.0F;
            for (std::int64_t i = 0; i < batch; ++i)
                dst[i] = b;
            for (std::int64_t k = start[r]; k < start[r + 1]; ++k) {
                const float v = values[k];
                const float* __restrict src = xT + columns[k] * batch;
                for (std::int64_t i = 0; i < batch; ++i)
                    dst[i] += v * src[i];
            }
        }
    });
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
    auto shape = x.sizes().vec();
    shape.back() = rows;
    const auto flat = x.reshape({-1, in}).contiguous();
    const std::int64_t batch = flat.size(0);
    const auto b = bias && bias->defined() ? bias->contiguous() : torch::Tensor();
    const float* biasData = b.defined() ? b.data_ptr<float>() : nullptr;
    const auto* start = rowStart.data_ptr<std::int64_t>();
    const auto* cols = columns.data_ptr<std::int64_t>();
    const auto* vals = values.data_ptr<float>();
    if (batch == 1) {
        auto out = torch::empty({1, rows}, torch::kFloat);
        multiplyVector(flat.data_ptr<float>(), start, cols, vals, biasData, out.data_ptr<float>(), rows);
        return out.reshape(shape);
    }
    const auto xT = flat.t().contiguous();
    auto outT = torch::empty({rows, batch}, torch::kFloat);
    multiplyTransposed(xT.data_ptr<float>(), batch, start, cols, vals, biasData, outT.data_ptr<float>(), rows);
    return outT.t().contiguous().reshape(shape);
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
    // Direct: every non-zero weight (o, c, i, j) adds its shifted, strided input plane to output
    // plane o; no im2col, so the work is the non-zeros times the output positions.
    at::parallel_for(0, planes, grainFor(planes, work), [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t plane = begin; plane < end; ++plane) {
            const std::int64_t n = plane / rows;
            const std::int64_t o = plane % rows;
            float* __restrict dst = out + plane * outH * outW;
            const float init = biasData ? biasData[o] : 0.0F;
            for (std::int64_t p = 0; p < outH * outW; ++p)
                dst[p] = init;
            for (std::int64_t k = start[o]; k < start[o + 1]; ++k) {
                const std::int64_t c = cols[k] / (kh * kw);
                const std::int64_t i = (cols[k] / kw) % kh;
                const std::int64_t j = cols[k] % kw;
                const float v = vals[k];
                const float* src = in + (n * channels + c) * inH * inW;
                const std::int64_t offsetX = j * dilation[1] - padding[1];
                // Output columns whose input column lies inside the image.
                std::int64_t x0 = 0;
                while (x0 < outW && x0 * stride[1] + offsetX < 0)
                    ++x0;
                std::int64_t x1 = outW;
                while (x1 > x0 && (x1 - 1) * stride[1] + offsetX >= inW)
                    --x1;
                for (std::int64_t y = 0; y < outH; ++y) {
                    const std::int64_t iy = y * stride[0] + i * dilation[0] - padding[0];
                    if (iy < 0 || iy >= inH)
                        continue;
                    const float* __restrict row = src + iy * inW + offsetX;
                    float* __restrict target = dst + y * outW;
                    if (stride[1] == 1) {
                        for (std::int64_t xo = x0; xo < x1; ++xo)
                            target[xo] += v * row[xo];
                    } else {
                        for (std::int64_t xo = x0; xo < x1; ++xo)
                            target[xo] += v * row[xo * stride[1]];
                    }
                }
            }
        }
    });
    return batched ? result : result.squeeze(0);
}

} // namespace espalier::core
