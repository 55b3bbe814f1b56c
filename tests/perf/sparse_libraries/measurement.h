#pragma once
// Timing the candidates of one workload side by side.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "multiplier.h"

namespace espalier::bench {

struct CandidateResult {
    std::string name;
    double medianMs = std::numeric_limits<double>::quiet_NaN();
    double setupMs = std::numeric_limits<double>::quiet_NaN();       ///< building the multiplier
    double maxDifference = std::numeric_limits<double>::quiet_NaN(); ///< max |y − y_dense LibTorch|
    std::string note;
    std::string skipped; ///< non-empty when the candidate did not run here, and why
};

struct WorkloadResult {
    std::string layer;
    std::int64_t rows = 0, columns = 0, nonzeros = 0, batch = 0;
    double density = 0;
    int threads = 1;
    int repeats = 0;
    double otherCpus = std::numeric_limits<double>::quiet_NaN(); ///< CPUs busy with other work while timing
    std::vector<CandidateResult> candidates;
};

struct MeasureSettings {
    int repeats = 0;
    int warmups = 0;
};

/// Builds every candidate (timed as setup), warms it up and checks its y against `reference`; then
/// times `repeats` rounds in which every candidate runs once, in a new random order each round, so
/// that a change of machine load hits all of them. Fills `result` with the medians of those times
/// and the other processes' CPU use meanwhile.
void measureCandidates(std::vector<Candidate> candidates, const float* reference, std::int64_t outputs,
                       const MeasureSettings& settings, WorkloadResult& result);

} // namespace espalier::bench
