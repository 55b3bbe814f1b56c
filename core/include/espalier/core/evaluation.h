#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "espalier/core/recipe.h"
#include "espalier/core/snapshot.h"

namespace espalier::core {

/// Test-set quality of a saved model, and how sparse its prunable tensors actually are.
struct ModelEvaluation {
    std::string model;
    std::string dataset;
    double testAccuracy = 0.0;
    double testLoss = 0.0;
    std::int64_t samples = 0;
    std::vector<LayerStats> layers; ///< kept = non-zero weights
    double sparsity = 0.0;          ///< fraction of prunable weights that are exactly zero
};

/// Where to write the logits of the first `samples` test samples (file order); no file when `path`
/// is empty. The file holds the exact inputs too (docs/formats.md, "logits.h5").
struct LogitsExport {
    std::string path;
    std::int64_t samples = 0;
};

/// Loads `model` (zoo name or TorchScript file, plus model.weights / model.masks when set) and
/// `data`, evaluates on the test set. Throws InputError for a bad model, data or a model/data mismatch.
ModelEvaluation evaluateModel(const ModelSpec& model, const DataSpec& data, std::uint64_t seed, int threads,
                              const LogitsExport& logits = {});

} // namespace espalier::core
