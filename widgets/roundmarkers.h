#pragma once

#include <vector>

#include <QString>

#include "espalier/core/snapshot.h"

namespace espalier::widgets {

/// Where round(s) pruned on a time plot: between epoch positions x − 0.5 and x + 0.5, labelled
/// e.g. "R1" or "R2–R4".
struct RoundMarker {
    double x = 0.0;
    QString label;
    bool operator==(const RoundMarker&) const = default;
};

/// Marker positions for one line of history (epochs in position order); rounds that pruned without
/// training in between share one. `currentRound` is Snapshot::round: a round that pruned (or is
/// scoring) before it has a record.
std::vector<RoundMarker> roundMarkers(const std::vector<core::EpochRecord>& epochs,
                                      const std::vector<core::RoundRecord>& rounds, int currentRound = 0);

} // namespace espalier::widgets
