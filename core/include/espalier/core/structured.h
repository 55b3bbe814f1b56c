#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "espalier/core/recipe.h"

namespace espalier::core {

/// One-shot structured pruning of a model: whole channels leave, and the result is a smaller dense
/// model (reference/algorithms.md §11, §13, §14).
struct StructuredRequest {
    ModelSpec model;
    DataSpec data;                       ///< an empty root means the dataset's usual folder
    std::string criterion = "l1-filter"; ///< l1-filter, slimming (BatchNorm |γ|), taylor, random
    double fraction = 0.5;               ///< of the prunable channels, removed
    bool global = false;                 ///< rank all layers together (slimming's global percentile)
    std::int64_t roundTo = 1;            ///< kept channels per group rounded up to a multiple
    std::int64_t samples = 256;          ///< taylor: first training samples, file order
    std::uint64_t seed = 0;
    int threads = 0;                     ///< 0 = hardware concurrency
    std::int64_t latencyBatch = 64;
    int latencyRepeats = 30;
};

/// Output channels of one Conv/Linear layer before and after.
struct ChannelLayerReport {
    std::string layer;
    std::int64_t channels = 0;
    std::int64_t kept = 0;
    int group = -1;        ///< layers coupled by residual additions share a group
    std::string keptBecause; ///< why some channels could not be pruned (network output, unknown op…)
};

struct StructuredResult {
    std::string model;
    std::string dataset;
    std::string criterion;
    std::vector<ChannelLayerReport> layers;
    std::int64_t prunableChannels = 0;
    std::int64_t removedChannels = 0;
    std::int64_t parametersBefore = 0;
    std::int64_t parametersAfter = 0;
    std::int64_t predictedParameters = 0; ///< from the channel plan alone, before the model is rebuilt
    std::int64_t macsBefore = 0;          ///< multiply–accumulates per sample, Conv and Linear
    std::int64_t macsAfter = 0;
    std::int64_t latencyBatch = 0;
    double latencyBeforeMs = 0.0; ///< median, eval mode, this machine
    double latencyAfterMs = 0.0;
    double accuracyBefore = 0.0;  ///< test accuracy, no fine-tuning
    double accuracyAfter = 0.0;
    double maxLogitDifference = 0.0; ///< smaller model vs the dense model with the channels zeroed
};

/// Loads the model (and its weights) and the data, finds the channel dependencies, scores and
/// selects channels, and builds the smaller model. Throws InputError for bad input.
class StructuredPruning {
public:
    explicit StructuredPruning(const StructuredRequest& request);
    ~StructuredPruning();
    StructuredPruning(const StructuredPruning&) = delete;
    StructuredPruning& operator=(const StructuredPruning&) = delete;

    [[nodiscard]] const StructuredResult& result() const;
    /// The smaller model as TorchScript (Python torch.jit.load runs it), written atomically.
    void saveModel(const std::string& path) const;
    /// The architecture delta as JSON: per layer the kept output channel indices of the original
    /// model, and the channel groups, so the pruning can be reproduced on the original definition.
    void saveChannelMap(const std::string& path) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace espalier::core
