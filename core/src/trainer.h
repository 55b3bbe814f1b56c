#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "dataparallel.h"
#include "dataset.h"
#include "espalier/core/recipe.h"
#include "maskset.h"
#include "model.h"

namespace espalier::core {

struct BatchProgress {
    std::int64_t batch = 0; ///< 1-based, finished batches
    std::int64_t totalBatches = 0;
    double runningLoss = 0.0;
};

/// Called after every batch: the session's safe point (may throw Cancelled, may block while paused).
using BatchCallback = std::function<void(const BatchProgress&)>;

struct EpochStats {
    double loss = 0.0;
    double accuracy = 0.0;
    double seconds = 0.0;
    double samplesPerSecond = 0.0;
};

struct Evaluation {
    double loss = 0.0;
    double accuracy = 0.0;
    std::int64_t samples = 0;
};

/// One parameter's optimizer state by slot: SGD "momentum_buffer"; Adam "step" (int64 scalar),
/// "exp_avg", "exp_avg_sq" (and "max_exp_avg_sq" when defined). Empty before its first step.
using ParamOptimizerState = std::map<std::string, torch::Tensor>;

/// Masked training with torch::optim (SGD with momentum/Nesterov/weight decay, or Adam) and an
/// epoch-wise LR schedule. Pruned weights stay exactly zero: gradients are masked before the step,
/// weights re-zeroed after it, and optimizer state is masked whenever the masks change.
class Trainer {
public:
    Trainer(Model& model, MaskSet& masks, const TrainSettings& settings);
    ~Trainer();

    /// LR of epoch `epoch` (0-based) under the schedule.
    [[nodiscard]] double learningRate(int epoch) const;
    EpochStats trainEpoch(int epoch, const TensorDataset& data, torch::Generator& generator,
                          const BatchCallback& afterBatch = {});
    /// An L1 penalty λ·Σ|t| on `tensors` (network slimming's sparsity on BatchNorm γ): λ·sign(t) is
    /// added to their gradients before every step.
    void setL1Penalty(std::vector<torch::Tensor> tensors, double lambda);
    /// Trains data-parallel in `group` (not owned; null: alone): this rank's shard of every batch,
    /// gradients summed over the ranks before the step. Alone, `microBatches` parts per batch.
    void setBatchSplit(DataParallel* group, int microBatches)
    {
        m_parallel = group;
        m_microBatches = microBatches;
    }
    /// Call after the masks changed mid-training.
    void onMasksChanged();
    /// The optimizer's state per model parameter (module order), cloned: with the epoch, all a
    /// training phase needs to continue exactly (session.h5).
    [[nodiscard]] std::vector<ParamOptimizerState> optimizerState() const;
    /// Puts back what optimizerState() returned for the same model and optimizer.
    void setOptimizerState(const std::vector<ParamOptimizerState>& state);

private:
    std::vector<torch::Tensor> m_penalised;
    double m_penalty = 0.0;
    Model& m_model;
    MaskSet& m_masks;
    TrainSettings m_settings;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    DataParallel* m_parallel = nullptr;
    int m_microBatches = 1;
};

/// The forward and backward pass of the mean cross-entropy over one global batch `index` of
/// `data`, leaving the gradients of `parameters`. Alone: the whole batch, or `microBatches` equal
/// parts whose gradients are weighted by their size and summed in order. In `group`: this rank's
/// shard, with the gradients and totals summed over the ranks; 2 parts alone round exactly as 2
/// ranks. Penalties belong after it, on the summed gradients. `beforeForward` runs before each
/// part's forward pass (ESPN binds W ⊙ c there: a graph serves one backward pass).
BatchTotals forwardBackward(Model& model, const TensorDataset& data, const torch::Tensor& index,
                            const std::vector<torch::Tensor>& parameters, DataParallel* group, int microBatches = 1,
                            const std::function<void()>& beforeForward = {});

/// The parameters `optimizer` steps, in group order.
std::vector<torch::Tensor> optimizedParameters(torch::optim::Optimizer& optimizer);

/// Loss and top-1 accuracy of `model` (eval mode, no grad) on `data`.
Evaluation evaluate(Model& model, const TensorDataset& data, std::int64_t batch = 1000);

} // namespace espalier::core
