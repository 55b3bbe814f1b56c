#include "widgets/roundmarkers.h"

#include <algorithm>
#include <set>

#include "widgets/branchpaths.h"

namespace espalier::widgets {

std::vector<RoundMarker> roundMarkers(const std::vector<core::EpochRecord>& epochs,
                                      const std::vector<core::RoundRecord>& rounds, int currentRound)
{
    std::set<int> roundNumbers;
    if (currentRound > 0)
        roundNumbers.insert(currentRound);
    for (const core::RoundRecord& record : rounds)
        roundNumbers.insert(record.round);
    for (const core::EpochRecord& epoch : epochs) {
        if (epoch.phase != "pretrain" && epoch.round > 0)
            roundNumbers.insert(epoch.round);
    }
    const int lastPosition = epochs.empty() ? 0 : epochPosition(epochs.back(), epochs.size() - 1);
    std::vector<RoundMarker> markers;
    int groupFirst = 0;
    for (const int round : roundNumbers) {
        // Round r pruned right before its first training epoch (after ESPN's mask-discovery epochs,
        // or after everything recorded so far).
        const auto firstAfter = std::find_if(epochs.begin(), epochs.end(), [round](const core::EpochRecord& e) {
            return e.phase != "pretrain" && e.phase != "mask" && e.round >= round;
        });
        const double x = firstAfter == epochs.end()
                             ? lastPosition + 0.5
                             : epochPosition(*firstAfter, std::size_t(firstAfter - epochs.begin())) - 0.5;
        if (!markers.empty() && markers.back().x == x) {
            markers.back().label = QStringLiteral("R%1–R%2").arg(groupFirst).arg(round);
            continue;
        }
        groupFirst = round;
        markers.push_back({x, QStringLiteral("R%1").arg(round)});
    }
    return markers;
}

} // namespace espalier::widgets
