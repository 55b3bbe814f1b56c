#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "dataset.h"
#include "maskset.h"
#include "model.h"
#include "trainer.h"

namespace espalier::core {

/// Knobs of ESPN's mask discovery (reference/algorithms.md §1). Defaults are the authors' for
/// Fashion-MNIST LeNet-300-100 at 98 % (README commands).
struct EspnSettings {
    double alpha = 8e-5;    ///< L1 coefficient on Σ|c| (unnormalised sum, added to the batch-mean loss)
    double tau = 1e-2;      ///< c counts as alive while c > τ (signed, as the authors' code)
    double maskLr = 0.05;   ///< SGD lr for W, c, biases and BN during discovery
    double momentum = 0.9;
    int maxEpochs = 300;
    int batch = 256;
    bool shuffle = true;    ///< false: batches in file order (for step-by-step comparisons)
};

/// ESPN's continuous-mask training on a private copy of the model: every prunable weight W gets a
/// real-valued mask c (initialised to 1), the forward uses W ⊙ c, and W, c, biases and BN train
/// jointly on cross-entropy + α·Σ|c| until few enough c stay above τ. The live model is untouched
/// until foldInto().
class EspnMaskDiscovery {
public:
    EspnMaskDiscovery(const Model& live, const MaskSet& masks, const EspnSettings& settings);

    struct EpochResult {
        EpochStats stats;
        std::int64_t alive = 0; ///< entries with c > τ after the epoch
    };
    EpochResult trainEpoch(const TensorDataset& data, torch::Generator& generator, const BatchCallback& afterBatch);
    /// Discovers data-parallel in `group` (not owned) or in micro-batches, as Trainer::setBatchSplit.
    void setBatchSplit(DataParallel* group, int microBatches)
    {
        m_parallel = group;
        m_microBatches = microBatches;
    }
    /// Test quality of W ⊙ c.
    Evaluation evaluateMasked(const TensorDataset& data);

    /// |c| per prunable tensor: the scores for the global top-k.
    [[nodiscard]] std::vector<torch::Tensor> scores() const;
    [[nodiscard]] const std::vector<torch::Tensor>& maskValues() const { return m_c; }
    [[nodiscard]] std::int64_t totalEntries() const;

    /// ESPN-Finetune: live W ← W ⊙ c and the Conv/Linear biases learned during discovery are copied
    /// into the live model (BatchNorm stays as it was, as in the authors' code).
    void foldInto(Model& live, const MaskSet& liveMasks) const;

private:
    void bindMaskedWeights();
    void bindPlainWeights();

    Model m_model;                      ///< private deep copy
    std::vector<std::string> m_names;   ///< prunable parameter names
    std::vector<torch::Tensor> m_weights; ///< leaf W of the copy
    std::vector<torch::Tensor> m_c;
    std::vector<torch::Tensor> m_liveMasks;
    EspnSettings m_settings;
    std::unique_ptr<torch::optim::SGD> m_optimizer;
    DataParallel* m_parallel = nullptr;
    int m_microBatches = 1;
};

} // namespace espalier::core
