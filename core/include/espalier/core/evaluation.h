#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "espalier/core/recipe.h"
#include "espalier/core/snapshot.h"

namespace espalier::core {

/// The test set run through sparse execution (core SparseExecution: CSR kernels for the layers that
/// measured faster sparse) next to dense LibTorch, as `espalier-cli eval --sparse` reports it.
struct SparseEvaluation {
    std::int64_t batch = 0;          ///< evaluation batch the layers were chosen for
    std::int64_t layers = 0;         ///< Linear and Conv layers
    std::int64_t sparseLayers = 0;   ///< of those, running the CSR kernel
    double testAccuracy = 0.0;       ///< from the sparse logits
    double maxLogitDifference = 0.0; ///< max |sparse − dense| over every test logit
    double denseSeconds = 0.0;       ///< one pass over the test set, median of `passes`
    double sparseSeconds = 0.0;
    int passes = 0;
};

/// Test-set quality of a saved model, and how sparse its prunable tensors actually are.
struct ModelEvaluation {
    std::string model;
    std::string dataset;
    double testAccuracy = 0.0;
    double testLoss = 0.0;
    std::int64_t samples = 0;
    std::vector<LayerStats> layers; ///< kept = non-zero weights
    double sparsity = 0.0;          ///< fraction of prunable weights that are exactly zero
    std::optional<SparseEvaluation> sparse; ///< when asked for
};

/// Where to write the logits of the first `samples` test samples (file order); no file when `path`
/// is empty. The file holds the exact inputs too (docs/formats.md, "logits.h5").
struct LogitsExport {
    std::string path;
    std::int64_t samples = 0;
};

/// What evaluateModel does besides the plain test-set pass.
struct EvaluationOptions {
    LogitsExport logits;
    bool sparseExecution = false; ///< also run the test set sparse and time both (ModelEvaluation::sparse)
    bool allSparse = false;       ///< with sparseExecution: every layer sparse, even where dense measured faster
    int passes = 3;               ///< timed passes over the test set per path, with sparseExecution
};

/// Loads `model` (zoo name or TorchScript file, plus model.weights / model.masks when set) and
/// `data`, evaluates on the test set. Throws InputError for a bad model, data or a model/data mismatch.
ModelEvaluation evaluateModel(const ModelSpec& model, const DataSpec& data, std::uint64_t seed, int threads,
                              const EvaluationOptions& options = {});

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
