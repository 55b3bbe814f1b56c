#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/script.h>

#include "model.h"

namespace espalier::core {

/// One Conv or Linear layer of a model as a SparseExecution runs it.
struct SparseLayerChoice {
    std::string layer;            ///< the weight, e.g. "fc1.weight"
    bool linear = false;          ///< Linear, else Conv (a conv with groups or non-constant geometry stays dense)
    std::int64_t entries = 0;     ///< weight entries
    std::int64_t nonzeros = 0;
    std::int64_t macsPerSample = 0; ///< dense multiply–accumulates per sample
    bool sparse = false;          ///< runs the CSR kernel (it measured faster at the batch)
    double denseMs = 0.0;         ///< the layer alone at the batch, median
    double sparseMs = 0.0;        ///< NaN for a conv the kernel does not cover
};

/// Runs a model with every Linear and Conv layer whose CSR product measured faster than the dense one
/// at `batch` replaced by espalier::csr_linear or espalier::csr_conv2d (the forward graph is copied and rewritten; the module
/// is not changed). A layer at 30 % sparsity measures slower sparse and stays dense. Eval mode.
class SparseExecution {
public:
    /// `alwaysSparse` rewrites every Linear and Conv layer the kernels cover whatever the timing says
    /// (to check the kernels inside the graph: tests, `eval --sparse-all`).
    SparseExecution(const Model& model, std::int64_t batch, int repeats = 20, bool alwaysSparse = false);
    ~SparseExecution();
    SparseExecution(const SparseExecution&) = delete;
    SparseExecution& operator=(const SparseExecution&) = delete;

    torch::Tensor forward(const torch::Tensor& x);
    [[nodiscard]] const std::vector<SparseLayerChoice>& layers() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace espalier::core
