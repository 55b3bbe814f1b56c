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

} // namespace espalier::core
