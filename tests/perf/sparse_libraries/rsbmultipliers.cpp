// librsb 1.3: rsb_spmm on its Recursive Sparse Blocks matrix, as built and after rsb_tune_spmm, with
// the batch in either of the two orders rsb_spmm takes its nrhs right-hand sides in:
// - column-major: a row-major [batch, in] x is exactly a column-major [in, batch] Xᵀ, and a
//   column-major [out, batch] result is the row-major y, so there are no copies;
// - row-major: Xᵀ and Yᵀ copied into row-major [in, batch] and [out, batch], as Espalier's kernel
//   does, so each non-zero updates a contiguous batch row; the two transposes are timed.
// "librsb" is row-major above batch 1: at batch 256, 1 thread, it took 2.4 ms against 9.4 ms
// column-major on fc1 at 10 % (0.58 against 1.76 ms at 2 %); --all-layouts shows both. At batch 1
// the two orders are the same SpMV.
// The bias is written into the result first and the product added with beta = 1.
#include "multiplier.h"

#include <rsb.h>

#include <algorithm>
#include <stdexcept>

#include "densecopies.h"

namespace espalier::bench {
namespace {

void check(rsb_err_t error, const char* what)
{
    if (error == RSB_ERR_NO_ERROR)
        return;
    char message[256] = {};
    rsb_strerror_r(error, message, sizeof message);
    throw std::runtime_error(std::string("librsb: ") + what + ": " + message);
}

// rsb_lib_init once per process; rsb_lib_exit when the program ends.
struct RsbLibrary {
    RsbLibrary() { check(rsb_lib_init(RSB_NULL_INIT_OPTIONS), "rsb_lib_init"); }
    ~RsbLibrary() { rsb_lib_exit(RSB_NULL_EXIT_OPTIONS); }
};

enum class BatchOrder { Columns, Rows };

class RsbProduct final : public Multiplier {
public:
    RsbProduct(const Workload& workload, BatchOrder order, bool tuned)
        : m_workload(workload),
          m_order(order),
          m_y(static_cast<std::size_t>(workload.batch * workload.layer->rows))
    {
        const auto& layer = *workload.layer;
        if (order == BatchOrder::Rows) {
            m_xT.resize(static_cast<std::size_t>(layer.columns * workload.batch));
            m_yT.resize(m_y.size());
        }
        rsb_err_t error = RSB_ERR_NO_ERROR;
        m_matrix = rsb_mtx_alloc_from_csr_const(
            layer.values.data(), layer.rowStart.data(), layer.columnIndex.data(),
            static_cast<rsb_nnz_idx_t>(layer.values.size()), RSB_NUMERICAL_TYPE_FLOAT,
            static_cast<rsb_coo_idx_t>(layer.rows), static_cast<rsb_coo_idx_t>(layer.columns), /*brA=*/1,
            /*bcA=*/1, RSB_FLAG_DEFAULT_RSB_MATRIX_FLAGS, &error);
        check(error, "rsb_mtx_alloc_from_csr_const");
        if (tuned)
            tune();
    }

    ~RsbProduct() override { rsb_mtx_free(m_matrix); }
    RsbProduct(const RsbProduct&) = delete;
    RsbProduct& operator=(const RsbProduct&) = delete;

    const float* run() override
    {
        const auto& layer = *m_workload.layer;
        const std::int64_t batch = m_workload.batch;
        const float one = 1.0F;
        if (m_order == BatchOrder::Columns) {
            for (std::int64_t i = 0; i < batch; ++i)
                std::copy(layer.bias.begin(), layer.bias.end(), m_y.begin() + i * layer.rows);
            check(rsb_spmm(RSB_TRANSPOSITION_N, &one, m_matrix, static_cast<rsb_coo_idx_t>(batch),
                           RSB_FLAG_WANT_COLUMN_MAJOR_ORDER, m_workload.x, layer.columns, &one, m_y.data(),
                           layer.rows),
                  "rsb_spmm");
            return m_y.data();
        }
        transposeInto(m_workload.x, batch, layer.columns, m_xT.data(), m_workload.threads);
        for (std::int64_t r = 0; r < layer.rows; ++r)
            std::fill_n(m_yT.begin() + r * batch, batch, layer.bias[r]);
        check(rsb_spmm(RSB_TRANSPOSITION_N, &one, m_matrix, static_cast<rsb_coo_idx_t>(batch),
                       RSB_FLAG_WANT_ROW_MAJOR_ORDER, m_xT.data(), batch, &one, m_yT.data(), batch),
              "rsb_spmm");
        transposeInto(m_yT.data(), layer.rows, batch, m_y.data(), m_workload.threads);
        return m_y.data();
    }

private:
    // Structure tuning only (tnp = null keeps the thread count), so that thread counts stay comparable
    // across candidates. Its cost shows in the setup time. Its own speed-up estimate (sfp) is not
    // reported: on these layers it ranged from 1.0× to 59×, far from the gains measured here.
    void tune()
    {
        const auto& layer = *m_workload.layer;
        const auto batch = static_cast<rsb_coo_idx_t>(m_workload.batch);
        const bool columns = m_order == BatchOrder::Columns;
        const float one = 1.0F;
        rsb_mtx_t* tuned = nullptr;
        check(rsb_tune_spmm(&tuned, /*sfp=*/nullptr, /*tnp=*/nullptr, /*maxr=*/0, /*maxt=*/0.0,
                            RSB_TRANSPOSITION_N, &one, m_matrix, batch,
                            columns ? RSB_FLAG_WANT_COLUMN_MAJOR_ORDER : RSB_FLAG_WANT_ROW_MAJOR_ORDER,
                            columns ? m_workload.x : m_xT.data(), columns ? layer.columns : batch, &one,
                            columns ? m_y.data() : m_yT.data(), columns ? layer.rows : batch),
              "rsb_tune_spmm");
        if (tuned && tuned != m_matrix) {
            rsb_mtx_free(m_matrix);
            m_matrix = tuned;
        }
    }

    Workload m_workload;
    BatchOrder m_order;
    rsb_mtx_t* m_matrix = nullptr;
    std::vector<float> m_xT, m_yT, m_y;
};

} // namespace

std::vector<Candidate> rsbCandidates(const Workload& workload)
{
    static RsbLibrary library;
    rsb_int_t threads = workload.threads;
    check(rsb_lib_set_opt(RSB_IO_WANT_EXECUTING_THREADS, &threads), "rsb_lib_set_opt(EXECUTING_THREADS)");
    const auto order = workload.batch == 1 ? BatchOrder::Columns : BatchOrder::Rows;
    std::vector<Candidate> candidates;
    candidates.push_back(candidateOf<RsbProduct>("librsb", workload, order, /*tuned=*/false));
    candidates.push_back(candidateOf<RsbProduct>("librsb tuned", workload, order, /*tuned=*/true));
    if (workload.allLayouts && workload.batch > 1) {
        candidates.push_back(
            candidateOf<RsbProduct>("librsb column-major", workload, BatchOrder::Columns, /*tuned=*/false));
        candidates.push_back(candidateOf<RsbProduct>("librsb column-major tuned", workload,
                                                     BatchOrder::Columns, /*tuned=*/true));
    }
    return candidates;
}

} // namespace espalier::bench
