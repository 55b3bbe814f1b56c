// Eigen 3.4: SparseMatrix<float, RowMajor> · dense, in the two layouts Eigen has separate kernels for.
// For a row-major sparse left side Eigen picks by the right side's storage order
// (SparseDenseProduct.h): a column-major right side gets one sparse dot product per (row, sample);
// a row-major one gets one axpy of a whole batch row per non-zero, which vectorises over the batch.
// Both kernels split rows over OpenMP threads (Eigen::setNbThreads) once the product is big enough
// (the dot-product kernel once per sample, which costs a thread hand-off per sample).
// "Eigen" is the batch-row layout: at batch 256, 1 thread, it took 0.58 ms against 0.87 ms for the
// dots on fc1 at 2 % (2.0 against 5.8 ms at 10 %), transposes included; --all-layouts shows both.
#include "multiplier.h"

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "densecopies.h"

namespace espalier::bench {
namespace {

using SparseRows = Eigen::SparseMatrix<float, Eigen::RowMajor, int>;
using ColumnMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

SparseRows sparseWeight(const SparseLayer& layer)
{
    const Eigen::Map<const SparseRows> view(layer.rows, layer.columns, static_cast<int>(layer.values.size()),
                                            layer.rowStart.data(), layer.columnIndex.data(),
                                            layer.values.data());
    return SparseRows(view);
}

// Yᵀ = W·Xᵀ where Xᵀ is the row-major batch read as column-major: no copies, one sparse dot
// product per output row and sample, gathering from the sample's input.
class EigenSampleDots final : public Multiplier {
public:
    explicit EigenSampleDots(const Workload& workload)
        : m_workload(workload),
          m_weight(sparseWeight(*workload.layer)),
          m_y(static_cast<std::size_t>(workload.batch * workload.layer->rows))
    {
    }

    const float* run() override
    {
        const auto& layer = *m_workload.layer;
        const Eigen::Map<const ColumnMajor> xT(m_workload.x, layer.columns, m_workload.batch);
        Eigen::Map<ColumnMajor> yT(m_y.data(), layer.rows, m_workload.batch);
        yT.noalias() = m_weight * xT;
        yT.colwise() += Eigen::Map<const Eigen::VectorXf>(layer.bias.data(), layer.rows);
        return m_y.data();
    }

private:
    Workload m_workload;
    SparseRows m_weight;
    std::vector<float> m_y;
};

// Yᵀ = W·Xᵀ with Xᵀ copied into row-major [columns, batch]: each non-zero adds a contiguous batch
// row, as Espalier's kernel does; the two transposes are paid inside the timed call.
class EigenBatchRows final : public Multiplier {
public:
    explicit EigenBatchRows(const Workload& workload)
        : m_workload(workload),
          m_weight(sparseWeight(*workload.layer)),
          m_xT(workload.layer->columns, workload.batch),
          m_yT(workload.layer->rows, workload.batch),
          m_y(static_cast<std::size_t>(workload.batch * workload.layer->rows))
    {
    }

    const float* run() override
    {
        const auto& layer = *m_workload.layer;
        transposeInto(m_workload.x, m_workload.batch, layer.columns, m_xT.data(), m_workload.threads);
        m_yT.noalias() = m_weight * m_xT;
        addBiasColumns(m_yT.data(), layer.rows, m_workload.batch, layer.bias.data());
        transposeInto(m_yT.data(), layer.rows, m_workload.batch, m_y.data(), m_workload.threads);
        return m_y.data();
    }

private:
    Workload m_workload;
    SparseRows m_weight;
    RowMajor m_xT, m_yT;
    std::vector<float> m_y;
};

} // namespace

std::vector<Candidate> eigenCandidates(const Workload& workload)
{
    Eigen::setNbThreads(workload.threads);
    std::vector<Candidate> candidates;
    // At batch 1 both layouts are the same SpMV, so the one without copies runs.
    if (workload.batch == 1) {
        candidates.push_back(candidateOf<EigenSampleDots>("Eigen", workload));
        return candidates;
    }
    candidates.push_back(candidateOf<EigenBatchRows>("Eigen", workload));
    if (workload.allLayouts)
        candidates.push_back(candidateOf<EigenSampleDots>("Eigen per-sample dots", workload));
    return candidates;
}

} // namespace espalier::bench
