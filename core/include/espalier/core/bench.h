#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "espalier/core/recipe.h"

namespace espalier::core {

/// What `espalier-cli bench` measures: a model (with its weights) as loaded, or pruned on a copy
/// by magnitude (global or layerwise) to each of `sparsities`.
struct BenchRequest {
    ModelSpec model;
    DataSpec data;                         ///< for the input shape and the equality check
    std::vector<double> sparsities;        ///< empty: the model as loaded
    bool layerwise = false;                ///< prune every layer to the sparsity instead of one global ranking
    std::vector<std::int64_t> batches{1, 256};
    int repeats = 50;                      ///< timed forward passes per model and batch (after a warm-up)
    std::uint64_t seed = 0;
    int threads = 0;
};

/// One Conv/Linear layer alone at a batch size: what the sparse kernel measured against the dense one.
struct BenchLayer {
    std::string layer;
    double density = 1.0;  ///< non-zero fraction of the weight
    double denseMs = 0.0;
    double sparseMs = 0.0; ///< NaN where no sparse kernel applies
    bool sparse = false;   ///< chosen: it measured faster
};

struct BenchLatency {
    std::int64_t batch = 0;
    double denseMs = 0.0;   ///< LibTorch forward of the model (pruned weights are stored zeros)
    double sparseMs = 0.0;  ///< SparseExecution: Linear layers through the CSR kernel where faster
    int sparseLayers = 0;   ///< layers that run sparse at this batch
    std::vector<BenchLayer> layers;
};

struct BenchRow {
    double sparsity = 0.0;             ///< zero prunable weights, measured
    std::int64_t parameters = 0;
    std::int64_t nonzeros = 0;         ///< non-zero parameters
    std::int64_t denseBytes = 0;       ///< float32 of every parameter
    std::int64_t compressedBytes = 0;  ///< checkpoint.h5's layout: bitmask + float32 values for prunable tensors
    std::int64_t macs = 0;             ///< Conv/Linear multiply–accumulates per sample, dense
    std::int64_t nonzeroMacs = 0;      ///< those with a non-zero weight
    double maxDifference = 0.0;        ///< max |logit| difference, sparse vs dense, on 256 test samples
    std::vector<BenchLatency> latency;
};

struct BenchResult {
    std::string model;
    int threads = 0;
    std::vector<BenchRow> rows;
};

/// The session's latest deployment measurement (Session::requestDeploymentMeasurement): the model
/// as it is at that point, measured like one `bench` row.
struct DeploymentState {
    bool running = false;
    int round = 0;                 ///< rounds finished when it was measured
    double sparsity = 0.0;         ///< the session's sparsity then
    int threads = 0;
    std::optional<BenchRow> row;   ///< of the last finished measurement
    std::string message;           ///< why the last one ended without a row
};

/// Loads the model and data and measures each row. Throws InputError for bad input.
BenchResult runBench(const BenchRequest& request);

} // namespace espalier::core
