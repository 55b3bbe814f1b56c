#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "espalier/core/snapshot.h"

namespace espalier::widgets {

/// What changes when a session records something: the number of records, the branch and round, and
/// the numbers of the newest records (so a different session with as many records still counts as
/// new). Charts redraw only when it changes; computing it costs nothing per snapshot.
struct HistoryFingerprint {
    std::size_t epochs = 0;
    std::size_t rounds = 0;
    std::size_t annotations = 0;
    int branch = 0;
    int round = 0;
    std::uint64_t newest = 0;

    static HistoryFingerprint of(const std::vector<core::EpochRecord>& epochs,
                                 const std::vector<core::RoundRecord>& rounds,
                                 const std::vector<core::Annotation>& annotations, int branch, int round)
    {
        HistoryFingerprint f{epochs.size(), rounds.size(), annotations.size(), branch, round, 0};
        // Bit patterns, not values: NaN compares unequal to itself.
        const auto mix = [&f](double value) { f.newest = f.newest * 1099511628211ULL ^ std::bit_cast<std::uint64_t>(value); };
        if (!epochs.empty()) {
            mix(epochs.back().testAccuracy);
            mix(epochs.back().trainLoss);
            mix(epochs.back().validationAccuracy);
            mix(double(epochs.back().position));
            mix(double(epochs.back().branch));
        }
        if (!rounds.empty()) {
            mix(rounds.back().sparsity);
            mix(rounds.back().testAccuracy);
            mix(rounds.back().validationAccuracy);
            mix(double(rounds.back().branch));
        }
        return f;
    }

    bool operator==(const HistoryFingerprint&) const = default;
};

} // namespace espalier::widgets
