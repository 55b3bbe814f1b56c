#pragma once
// The benchmark's results as Markdown (for people) and JSON (for scripts).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "measurement.h"

namespace espalier::bench {

struct ReportContext {
    std::string machine;               ///< CPU and LibTorch, one line
    std::string method;                ///< how the times were taken, one paragraph
    std::vector<std::string> notBuilt; ///< "librsb (install librsb-dev)"
    double tolerance = 0;              ///< the largest accepted max |Δ| against LibTorch dense
};

/// The name of the baseline every speed is relative to.
inline const std::string kBaseline = "LibTorch dense";

/// One speed table per thread count, then accuracy, setup cost, notes and what was not built.
std::string markdownReport(const std::vector<WorkloadResult>& results, const ReportContext& context);

nlohmann::json jsonReport(const std::vector<WorkloadResult>& results, const ReportContext& context);

/// True when every candidate that ran stayed within the tolerance.
bool allWithinTolerance(const std::vector<WorkloadResult>& results, double tolerance);

} // namespace espalier::bench
