// libxsmm 1.17's two sparse × dense routines (libxsmm_spmdm.h, libxsmm_fsspmdm.h).
//
// spmdm: A sparse (built once from the dense W into 16-bit-indexed CSR slices of bm × 128), B and C
// dense; hand-written AVX2/AVX-512 intrinsics. It reads B transposed and writes C transposed on its
// own, so y = x·Wᵀ needs no copies: A = W, B = x with transb 'T', C = y with transc 'T'. The caller
// drives the threads: each compute block goes to one OpenMP thread. spmdm ignores alpha.
//
// fsspmdm ("fixed sparse"): JIT code with W's non-zeros baked in, C[out, N] = W · B[in, N], all
// row-major, N a multiple of 16. So the batch is transposed in and out (batch 1 padded to 16
// columns), and each thread gets its own handle for a slice of the columns. Its sparse code
// generator (libxsmm_create_scsr_reg) only exists for AVX-512 and keeps the distinct non-zero values
// in registers; when it returns nothing, fsspmdm silently runs a dense JIT GEMM instead. We ask the
// generator the same question fsspmdm asks and say which one ran.
//
// libxsmm initialises and finalises itself (load-time constructor and destructor). That constructor
// also puts OMP_PROC_BIND=TRUE into the environment when no affinity is set. libgomp has read its
// environment before then, so the OpenMP threads of every candidate stay unbound (checked in
// /proc/<pid>/task/*/status: Cpus_allowed_list 0-1 for all threads).
#include "multiplier.h"

#include <libxsmm.h>

#include <omp.h>

#include <stdexcept>

#include "densecopies.h"

namespace espalier::bench {
namespace {

class XsmmSpmdm final : public Multiplier {
public:
    explicit XsmmSpmdm(const Workload& workload)
        : m_workload(workload), m_y(static_cast<std::size_t>(workload.batch * workload.layer->rows))
    {
        const auto& layer = *workload.layer;
        libxsmm_spmdm_init(static_cast<int>(layer.rows), static_cast<int>(workload.batch),
                           static_cast<int>(layer.columns), workload.threads, &m_handle, &m_slices);
        if (!m_slices)
            throw std::runtime_error("libxsmm_spmdm_init could not allocate its CSR slices");
        const int blocks = libxsmm_spmdm_get_num_createSparseSlice_blocks(&m_handle);
        for (int block = 0; block < blocks; ++block)
            libxsmm_spmdm_createSparseSlice_fp32_thread(&m_handle, 'N', layer.dense.data(), m_slices, block,
                                                        /*tid=*/0, /*nthreads=*/1);
    }

    ~XsmmSpmdm() override { libxsmm_spmdm_destroy(&m_handle); }
    XsmmSpmdm(const XsmmSpmdm&) = delete;
    XsmmSpmdm& operator=(const XsmmSpmdm&) = delete;

    const float* run() override
    {
        const auto& layer = *m_workload.layer;
        const float one = 1.0F;
        const float zero = 0.0F;
        const int blocks = libxsmm_spmdm_get_num_compute_blocks(&m_handle);
        // A single block (batch ≤ 48 on AVX2, few rows) leaves nothing to share: stay on this thread.
#pragma omp parallel num_threads(m_workload.threads) if (m_workload.threads > 1 && blocks > 1)
        {
            const int tid = omp_get_thread_num();
            const int threads = omp_get_num_threads();
            for (int block = tid; block < blocks; block += threads)
                libxsmm_spmdm_compute_fp32_thread(&m_handle, 'N', 'T', &one, m_slices, m_workload.x, 'T',
                                                  &zero, m_y.data(), block, tid, threads);
        }
        addBiasRows(m_y.data(), m_workload.batch, layer.rows, layer.bias.data());
        return m_y.data();
    }

private:
    Workload m_workload;
    libxsmm_spmdm_handle m_handle{};
    libxsmm_CSR_sparseslice* m_slices = nullptr;
    std::vector<float> m_y;
};

// What libxsmm_sfsspmdm_create tries first; null means it fell back to a dense GEMM.
bool sparseCodeGenerates(const SparseLayer& layer, std::int64_t ld)
{
    std::vector<unsigned int> rowStart(layer.rowStart.begin(), layer.rowStart.end());
    std::vector<unsigned int> columns(layer.columnIndex.begin(), layer.columnIndex.end());
    libxsmm_descriptor_blob blob;
    const auto* descriptor = libxsmm_sgemm_descriptor_init(
        &blob, static_cast<libxsmm_blasint>(layer.rows), /*n=*/16,
        static_cast<libxsmm_blasint>(layer.columns),
        /*lda=*/0, static_cast<libxsmm_blasint>(ld), static_cast<libxsmm_blasint>(ld), 1.0F, 0.0F,
        LIBXSMM_GEMM_FLAGS('N', 'N'), LIBXSMM_GEMM_PREFETCH_NONE);
    if (!descriptor)
        return false;
    const libxsmm_smmfunction kernel =
        libxsmm_create_scsr_reg(descriptor, rowStart.data(), columns.data(), layer.values.data());
    if (!kernel)
        return false;
    libxsmm_free(reinterpret_cast<const void*>(kernel)); // as libxsmm_sfsspmdm_destroy does
    return true;
}

class XsmmFixedSparse final : public Multiplier {
public:
    explicit XsmmFixedSparse(const Workload& workload) : m_workload(workload)
    {
        const auto& layer = *workload.layer;
        m_columns = (workload.batch + 15) / 16 * 16;
        m_parts = 1;
        if (workload.threads > 1 && m_columns % (16 * workload.threads) == 0)
            m_parts = workload.threads;
        const std::int64_t slice = m_columns / m_parts;
        for (int part = 0; part < m_parts; ++part) {
            auto* handle = libxsmm_sfsspmdm_create(layer.rows, slice, layer.columns, /*lda=*/layer.columns,
                                                   /*ldb=*/m_columns, /*ldc=*/m_columns, 1.0F, 0.0F,
                                                   /*c_is_nt=*/0, layer.dense.data());
            if (!handle)
                throw std::runtime_error("libxsmm_sfsspmdm_create failed");
            m_handles.push_back(handle);
        }
        m_xT.assign(static_cast<std::size_t>(layer.columns * m_columns), 0.0F); // padding columns stay 0
        m_yT.resize(static_cast<std::size_t>(layer.rows * m_columns));
        m_y.resize(static_cast<std::size_t>(workload.batch * layer.rows));
        m_note = sparseCodeGenerates(layer, m_columns)
            ? "ran its sparse JIT kernel"
            : std::string("ran its dense JIT GEMM: libxsmm_create_scsr_reg made no sparse kernel (it needs "
                          "AVX-512 and at most 480 distinct non-zero values; libxsmm's target here is ") +
                libxsmm_get_target_arch() + ")";
        if (m_columns != workload.batch)
            m_note += "; batch padded to " + std::to_string(m_columns) + " columns";
        if (workload.threads > 1 && m_parts == 1)
            m_note += "; one thread (too few 16-column slices to split)";
    }

    ~XsmmFixedSparse() override
    {
        for (auto* handle : m_handles)
            libxsmm_sfsspmdm_destroy(handle);
    }
    XsmmFixedSparse(const XsmmFixedSparse&) = delete;
    XsmmFixedSparse& operator=(const XsmmFixedSparse&) = delete;

    const float* run() override
    {
        const auto& layer = *m_workload.layer;
        const std::int64_t batch = m_workload.batch;
        if (batch == m_columns) {
            transposeInto(m_workload.x, batch, layer.columns, m_xT.data(), m_workload.threads);
        } else {
            for (std::int64_t i = 0; i < batch; ++i)
                for (std::int64_t c = 0; c < layer.columns; ++c)
                    m_xT[c * m_columns + i] = m_workload.x[i * layer.columns + c];
        }
        const std::int64_t slice = m_columns / m_parts;
#pragma omp parallel for num_threads(m_parts) if (m_parts > 1) schedule(static, 1)
        for (int part = 0; part < m_parts; ++part)
            libxsmm_sfsspmdm_execute(m_handles[part], m_xT.data() + part * slice, m_yT.data() + part * slice);
        if (batch == m_columns) {
            transposeInto(m_yT.data(), layer.rows, batch, m_y.data(), m_workload.threads);
        } else {
            for (std::int64_t i = 0; i < batch; ++i)
                for (std::int64_t r = 0; r < layer.rows; ++r)
                    m_y[i * layer.rows + r] = m_yT[r * m_columns + i];
        }
        addBiasRows(m_y.data(), batch, layer.rows, layer.bias.data());
        return m_y.data();
    }

    std::string note() const override { return m_note; }

private:
    Workload m_workload;
    std::int64_t m_columns = 0; ///< the batch rounded up to a multiple of 16
    int m_parts = 1;            ///< column slices, one handle and one thread each
    std::vector<libxsmm_sfsspmdm*> m_handles;
    std::vector<float> m_xT, m_yT, m_y;
    std::string m_note;
};

} // namespace

std::vector<Candidate> xsmmCandidates(const Workload& workload)
{
    std::vector<Candidate> candidates;
    candidates.push_back(candidateOf<XsmmSpmdm>("libxsmm spmdm", workload));
    candidates.push_back(candidateOf<XsmmFixedSparse>("libxsmm fsspmdm", workload));
    return candidates;
}

} // namespace espalier::bench
