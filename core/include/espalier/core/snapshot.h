#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <optional>
#include <vector>

#include "espalier/core/bench.h"
#include "espalier/core/sensitivity.h"

namespace espalier::core {

/// Histogram of log10 |score| for one layer, split into kept and pruned entries.
struct SaliencyHistogram {
    std::vector<double> edges;             ///< bins + 1 edges, in log10 |score|
    std::vector<std::int64_t> keptCounts;  ///< per bin
    std::vector<std::int64_t> prunedCounts;
    std::int64_t zeroScores = 0;            ///< scores that are exactly 0 (no log)
    double threshold = std::numeric_limits<double>::quiet_NaN(); ///< log10 of the smallest kept score
};

/// Per prunable tensor counts; every number on screen, in reports and on the CLI comes from these.
struct LayerStats {
    std::string name;                 ///< parameter name, e.g. "fc1.weight"
    std::vector<std::int64_t> shape;
    std::int64_t numel = 0;
    std::int64_t kept = 0;
    double floor = 0.0;               ///< minimum density the user asked for
    bool locked = false;
    bool collapsed = false;           ///< every weight pruned
    std::int64_t effectiveKept = 0;   ///< kept weights that still lie on an input→output path
    std::int64_t drift = 0;           ///< non-zero weights found in masked positions
    /// Output channels (rows of the weight) and those with a kept weight left; 0 for tensors of
    /// fewer than two dimensions. A channel cut removes rows whole; unstructured pruning can too.
    std::int64_t channels = 0;
    std::int64_t keptChannels = 0;
    SaliencyHistogram histogram;      ///< of the last scoring pass (empty before the first)

    [[nodiscard]] double density() const { return numel > 0 ? double(kept) / double(numel) : 0.0; }
};

/// One finished training epoch (pretraining, mask discovery or fine-tuning).
struct EpochRecord {
    std::string phase; ///< "pretrain", "round", "finetune"
    int round = 0;     ///< 0 for pretraining
    int epoch = 0;     ///< 1-based within the phase
    double lr = 0.0;
    double trainLoss = 0.0;
    double trainAccuracy = 0.0;
    double testLoss = 0.0;
    double testAccuracy = 0.0;
    double validationAccuracy = std::numeric_limits<double>::quiet_NaN();
    double sparsity = 0.0;
    double seconds = 0.0;
    double samplesPerSecond = 0.0;
    int branch = 0;   ///< 0, or the number of rollbacks before this epoch ran
    int position = 0; ///< 1-based index of this epoch along its branch (the x of time plots)
};

/// One pruning round: score, mask, train, evaluate.
struct RoundRecord {
    int round = 0; ///< 1-based
    double targetSparsity = 0.0;
    double sparsity = 0.0;
    double trainLoss = std::numeric_limits<double>::quiet_NaN();
    double testAccuracy = 0.0;       ///< after the round's training (final epoch)
    double bestTestAccuracy = 0.0;   ///< best epoch of the round's training (test-set selection!)
    double validationAccuracy = std::numeric_limits<double>::quiet_NaN();
    double testLoss = 0.0;
    double seconds = 0.0;
    int collapsedLayers = 0;
    double effectiveSparsity = 0.0;  ///< counts kept weights off every input→output path as pruned
    bool disconnected = false;       ///< no input→output path survived
    int branch = 0;
    int position = 0;                ///< epochs along the branch when the round ended
    // Not saved in report.h5; `espalier-cli score --json` reports their sums.
    double scoreSeconds = 0.0;       ///< computing the scores (ESPN: mask discovery)
    double maskSeconds = 0.0;        ///< selecting and applying the mask
    double checkSeconds = 0.0;       ///< the collapse and path dry runs and the saliency histograms
    /// FNV-1a of the round's masks (16 hex digits; GMP: its last pruning step; empty for "none"): equal on every rank
    /// of a distributed run, and equal to a single-process run's when the masks are.
    std::string maskChecksum;
};

/// A steering change, rollback or warning, placed on the time axis of the plots.
struct Annotation {
    int position = 0; ///< epochs along the branch when it happened
    int round = 0;    ///< the round it applies from
    int branch = 0;
    std::string text;
};

/// A layer collapse found by the dry run before a mask was applied, and what the policy did.
struct CollapseWarning {
    int round = 0;
    std::string layer;  ///< parameter name; empty when no input→output path survives as a whole
    std::string policy; ///< "block", "clamp" or "allow"
    std::string action; ///< "blocked" (round refused), "clamped" (kept at its floor), "allowed"
    std::string message;
};

enum class SessionState { Idle, Running, Paused, Finished, Stopped, Failed };

/// Immutable, torch-free picture of a session, handed to observers (GUI, CLI progress).
/// One ephemeral pruning: the test accuracy the model would have if `method` pruned it to
/// `sparsity` now, without training. Nothing is committed.
struct PreviewPoint {
    int round = 0;       ///< rounds finished when it was taken
    std::string method;
    double sparsity = 0.0; ///< reached (locks and floors can keep more than asked)
    double testAccuracy = 0.0;
};

/// The latest per-layer sensitivity scan (Session::requestSensitivityScan).
struct SensitivityState {
    bool running = false;
    int done = 0;  ///< cells scanned
    int total = 0; ///< layers × sparsities
    int round = 0; ///< rounds finished when the scan started
    std::optional<SensitivityTable> table; ///< of the last finished scan
    std::string message; ///< why the last scan ended without a table (cancelled, error)
};

struct Snapshot {
    SessionState state = SessionState::Idle;
    std::string phase;          ///< "loading", "pretrain", "scoring", "round", "finetune", "done"
    int round = 0;
    int totalRounds = 0;
    int epoch = 0;
    int totalEpochs = 0;
    std::int64_t batch = 0;
    std::int64_t totalBatches = 0;
    double runningLoss = 0.0;
    double sparsity = 0.0;      ///< fraction of prunable weights that are zero by mask
    double effectiveSparsity = 0.0; ///< the same, counting disconnected kept weights as pruned
    double targetSparsity = 0.0;
    std::int64_t prunableWeights = 0;
    std::int64_t keptWeights = 0;
    std::vector<LayerStats> layers;
    std::vector<EpochRecord> epochs;
    std::vector<RoundRecord> rounds;
    std::vector<std::string> events; ///< steering events and warnings, in order
    std::vector<CollapseWarning> collapseWarnings;
    std::vector<Annotation> annotations;
    std::vector<int> rollbackRounds; ///< rounds whose weights and masks are kept (0 = before pruning)
    int branch = 0;                  ///< current branch (epochs/rounds of other branches are history)
    /// Threshold preview (Session::requestThresholdPreview): the round it previews (0 = none) and,
    /// per layer, log10 of the smallest score that round would keep (NaN: none kept / no preview).
    int previewRound = 0;
    std::vector<double> previewThresholds;
    /// What-if previews (Session::requestPreview), oldest first; none of them changed the session.
    std::vector<PreviewPoint> previewPoints;
    SensitivityState sensitivity;
    DeploymentState deployment;
};

const char* toString(SessionState state);

} // namespace espalier::core
