// The two sides issue 8 already compares: dense LibTorch (the baseline) and Espalier's CSR kernel,
// each called exactly as the core's sparse execution calls it (a fresh output tensor per call).
#include "multiplier.h"

#include <torch/torch.h>

#include "csrlinear.h"

namespace espalier::bench {
namespace {

// from_blob views of the workload's arrays; the benchmark keeps them alive for the multiplier's life.
torch::Tensor weightOf(const SparseLayer& layer)
{
    return torch::from_blob(const_cast<float*>(layer.dense.data()), {layer.rows, layer.columns});
}

torch::Tensor biasOf(const SparseLayer& layer)
{
    return torch::from_blob(const_cast<float*>(layer.bias.data()), {layer.rows});
}

torch::Tensor inputOf(const Workload& workload)
{
    return torch::from_blob(const_cast<float*>(workload.x), {workload.batch, workload.layer->columns});
}

class DenseLinear final : public Multiplier {
public:
    explicit DenseLinear(const Workload& workload)
        : m_x(inputOf(workload)), m_weight(weightOf(*workload.layer)), m_bias(biasOf(*workload.layer))
    {
    }

    const float* run() override
    {
        torch::NoGradGuard noGrad;
        m_y = torch::linear(m_x, m_weight, m_bias);
        return m_y.data_ptr<float>();
    }

private:
    torch::Tensor m_x, m_weight, m_bias, m_y;
};

class EspalierCsr final : public Multiplier {
public:
    explicit EspalierCsr(const Workload& workload)
        : m_x(inputOf(workload)),
          m_csr(core::toCsr(weightOf(*workload.layer))),
          m_bias(biasOf(*workload.layer))
    {
    }

    const float* run() override
    {
        torch::NoGradGuard noGrad;
        m_y = core::csrLinear(m_x, m_csr.rowStart, m_csr.columns, m_csr.values, m_bias);
        return m_y.data_ptr<float>();
    }

private:
    torch::Tensor m_x;
    core::CsrWeight m_csr;
    c10::optional<torch::Tensor> m_bias;
    torch::Tensor m_y;
};

} // namespace

std::vector<Candidate> torchCandidates(const Workload& workload)
{
    // Intra-op threads of both: at::parallel_for in csrLinear, OpenMP/OpenBLAS in torch::linear.
    at::set_num_threads(workload.threads);
    std::vector<Candidate> candidates;
    candidates.push_back(candidateOf<DenseLinear>("LibTorch dense", workload));
    candidates.push_back(candidateOf<EspalierCsr>("Espalier CSR", workload));
    return candidates;
}

} // namespace espalier::bench
