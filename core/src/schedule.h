#pragma once

#include <string>

namespace espalier::core {

/// Target density after round `round` (1-based) of `rounds`, reaching `finalDensity` at the last one.
/// exponential: d^(r/R) (SynFlow's schedule); linear: 1 − (1 − d)·r/R.
double scheduledDensity(const std::string& schedule, int round, int rounds, double finalDensity);

} // namespace espalier::core
