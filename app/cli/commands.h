#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "distributedoptions.h"

namespace espalier::cli {

struct RunOptions {
    std::string recipe;
    std::vector<std::string> sets;
    std::string out;
    bool saveScores = false;
    bool json = false;
    DistributedFlags distributed;
};

struct ResumeOptions {
    std::string session; ///< session.h5
    std::vector<std::string> sets;
    std::string out;
    bool saveScores = false;
    bool json = false;
    DistributedFlags distributed;
};

struct ScoreOptions {
    std::string model;
    std::string method;
    double sparsity = 0.0;
    std::optional<int> rounds; ///< default: 100 for synflow (the paper's iterative schedule), else 1
    std::string data = "fashion-mnist";
    std::string dataRoot;
    int samples = 100;
    bool structured = false;
    std::int64_t roundTo = 1;          ///< --structured
    std::int64_t latencyBatch = 64;    ///< --structured
    std::string channelMap;            ///< --structured: JSON of kept channels
    bool layerwise = false;
    std::string out;
    std::string exportPath;
    std::string exportSparse; ///< sparse checkpoint (checkpoint.h5 format)
    bool saveScores = false;
    std::uint64_t seed = 0;
    std::vector<std::string> params; ///< method_params as key=value
    bool json = false;
};

struct EvalOptions {
    std::string model;
    std::string weights;       ///< model.weights: state_dict .pt or sparse checkpoint .h5
    std::string logits;        ///< HDF5 file for the logits of the first `samples` test samples
    std::int64_t samples = 0;  ///< with --logits
    std::string data = "fashion-mnist";
    std::string dataRoot;
    std::optional<double> previewSparsity;
    std::string method;       ///< with previewSparsity
    bool layerwise = false;   ///< with previewSparsity
    std::vector<double> activationKeep; ///< dynamic activation sparsity: keep fractions to evaluate
    bool sparse = false;      ///< also run the test set through sparse execution and time both
    bool sparseAll = false;   ///< --sparse with every layer sparse, whatever the timing
    bool json = false;
};

struct SensitivityOptions {
    std::string model;
    std::string weights;
    std::string data = "fashion-mnist";
    std::string dataRoot;
    std::string method = "magnitude";
    std::vector<double> sparsities{0.5, 0.75, 0.9, 0.95, 0.98, 0.99};
    std::int64_t testSamples = 0;
    double maxDrop = 0.01; ///< for the suggested floors
    bool json = false;
};

struct BenchOptions {
    std::string model;
    std::string weights;
    std::string data = "fashion-mnist";
    std::string dataRoot;
    std::vector<double> sparsities; ///< empty: the model as loaded
    bool layerwise = false;
    std::vector<std::int64_t> batches{1, 256};
    int repeats = 50;
    int threads = 0;
    bool json = false;
};

struct SweepOptions {
    std::string recipe; ///< a sweep file or a plain recipe
    std::vector<double> sparsities;
    std::vector<std::string> methods;
    std::vector<std::uint64_t> seeds;
    std::vector<std::string> sets;
    std::string out;
    bool noSharedPretraining = false;
    bool summarizeOnly = false; ///< write plan and summary of the finished cells; run none
    bool json = false;
};

struct InspectOptions {
    std::string file;
    bool json = false;
};

/// Each returns the process exit code: 0 success, 2 bad input, 1 internal failure.
int runCommand(const RunOptions& options);
int resumeCommand(const ResumeOptions& options);
int scoreCommand(const ScoreOptions& options);
int structuredScoreCommand(const ScoreOptions& options);
int evalCommand(const EvalOptions& options);
int inspectCommand(const InspectOptions& options);
int sweepCommand(const SweepOptions& options);
int sensitivityCommand(const SensitivityOptions& options);
int benchCommand(const BenchOptions& options);

} // namespace espalier::cli
