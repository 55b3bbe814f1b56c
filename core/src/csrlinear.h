#pragma once

#include <torch/torch.h>

namespace espalier::core {

/// A [rows, columns] weight in compressed sparse row form: only the non-zero entries, row by row.
struct CsrWeight {
    torch::Tensor rowStart; ///< int64 [rows + 1]: entries of row r are [rowStart[r], rowStart[r + 1])
    torch::Tensor columns;  ///< int64 [nonzeros]
    torch::Tensor values;   ///< float32 [nonzeros]
    std::int64_t inFeatures = 0;
};

/// The non-zero entries of `weight` (a Linear weight, or a conv weight flattened to [out, in·kh·kw]).
CsrWeight toCsr(const torch::Tensor& weight);

/// x · Wᵀ + bias for x of shape [..., in] with W sparse: the work is proportional to the non-zeros.
/// Batches of more than one row multiply with the input transposed, so the inner loop runs over the
/// batch in contiguous memory (vectorised); output rows are split over the intra-op threads in
/// ranges of equal non-zeros when the product is large enough to pay for it. Per-thread scratch
/// buffers for the transposes are kept between calls. Float32 only.
torch::Tensor csrLinear(const torch::Tensor& x, const torch::Tensor& rowStart, const torch::Tensor& columns,
                        const torch::Tensor& values, const c10::optional<torch::Tensor>& bias);

/// conv2d (groups 1) with a CSR weight [out, in·kh·kw], computed directly: each non-zero weight adds
/// its shifted input plane to its output plane, so the work is the non-zeros times the output
/// positions, with no im2col buffer. Output planes are split over the intra-op threads.
torch::Tensor csrConv2d(const torch::Tensor& x, const torch::Tensor& rowStart, const torch::Tensor& columns,
                        const torch::Tensor& values, const c10::optional<torch::Tensor>& bias,
                        c10::IntArrayRef kernel, c10::IntArrayRef stride, c10::IntArrayRef padding,
                        c10::IntArrayRef dilation);

} // namespace espalier::core
