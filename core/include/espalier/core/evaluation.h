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

/// A what-if pruning of a saved model (`espalier-cli eval --preview-sparsity S --method M`).
struct PreviewRequest {
    std::string method;   ///< magnitude, random, snip, grasp, synflow (one round), taylor
    double sparsity = 0.0;
    bool global = true;   ///< false: the same sparsity in every layer
    int scoringSamples = 100; ///< first training samples, file order (snip, grasp, taylor)
};

struct ModelPreview {
    ModelEvaluation base;     ///< the model as saved
    double sparsity = 0.0;    ///< after the preview mask
    double testAccuracy = 0.0;
    double testLoss = 0.0;
    std::vector<LayerStats> layers; ///< kept = weights the preview mask keeps
};

/// Loads like evaluateModel, evaluates the model, then prunes a copy with `request` and evaluates
/// that; the loaded model itself is never changed.
ModelPreview previewModel(const ModelSpec& model, const DataSpec& data, std::uint64_t seed, int threads,
                          const PreviewRequest& request);

/// Dynamic activation sparsity at one keep fraction (`espalier-cli eval --activation-keep`).
struct ActivationSparsityPoint {
    double keepFraction = 1.0; ///< of each Conv/Linear input (after the first), per sample, by magnitude
    double testAccuracy = 0.0;
    double skippedWork = 0.0;  ///< multiply–accumulates with a zero activation operand, of all
    std::vector<std::string> layers;
    std::vector<double> inputZeroFraction; ///< per layer
};

/// Loads like evaluateModel and evaluates it once per keep fraction; the model is not changed.
std::vector<ActivationSparsityPoint> evaluateModelActivationSparsity(const ModelSpec& model, const DataSpec& data,
                                                                     std::uint64_t seed, int threads,
                                                                     const std::vector<double>& keepFractions);

} // namespace espalier::core
