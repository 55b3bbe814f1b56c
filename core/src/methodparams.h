#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace espalier::core {

/// Iterative magnitude pruning with rewinding (reference/algorithms.md §8).
struct ImpSettings {
    int rewindEpoch = 0; ///< survivors go back to the weights after this pretraining epoch (0 = init)
};

/// Gradual magnitude pruning (Zhu & Gupta 2017, algorithms.md §9), in optimizer steps of the
/// training phase: s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³ at t = t0, t0+Δt, …, t0+nΔt.
struct GmpSettings {
    double initialSparsity = 0.0; ///< s_i
    std::int64_t startStep = 0;   ///< t0
    std::int64_t frequency = 100; ///< Δt
    std::int64_t steps = 0;       ///< n; 0 = as many as end by 75 % of the training steps
};

/// Read from a recipe's method_params; unknown keys and bad values are InputErrors naming the key.
ImpSettings impSettingsFrom(const std::map<std::string, double>& params);
GmpSettings gmpSettingsFrom(const std::map<std::string, double>& params);

/// The cubic schedule's sparsity after pruning step j (0..n).
double gmpSparsity(const GmpSettings& settings, double finalSparsity, std::int64_t step, std::int64_t steps);

} // namespace espalier::core
