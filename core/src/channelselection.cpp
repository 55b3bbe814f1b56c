#include "channelselection.h"

#include <algorithm>
#include <cmath>

namespace espalier::core {
namespace {

bool candidate(const ChannelGraph& graph, const std::vector<double>& scores, int cls)
{
    return graph.prunable(cls) && std::isfinite(scores[cls]);
}

// Ascending by score; the lower class index first on ties so the selection is deterministic.
void sortByScore(std::vector<int>& classes, const std::vector<double>& scores)
{
    std::stable_sort(classes.begin(), classes.end(), [&](int a, int b) { return scores[a] < scores[b]; });
}

void removeLowest(std::vector<int> classes, const std::vector<double>& scores, double fraction, ChannelKeep& keep)
{
    sortByScore(classes, scores);
    const auto count = static_cast<std::size_t>(std::llround(fraction * double(classes.size())));
    for (std::size_t k = 0; k < std::min(count, classes.size()); ++k)
        keep[classes[k]] = false;
}

// Brings back removed classes of `group`, best first, until `kept` reaches `wanted`.
void restore(const std::vector<int>& groupClasses, const std::vector<double>& scores, std::int64_t wanted,
             ChannelKeep& keep)
{
    std::vector<int> removed;
    std::int64_t kept = 0;
    for (int c : groupClasses) {
        if (keep[c])
            ++kept;
        else
            removed.push_back(c);
    }
    sortByScore(removed, scores);
    while (kept < wanted && !removed.empty()) {
        keep[removed.back()] = true;
        removed.pop_back();
        ++kept;
    }
}

} // namespace

ChannelKeep selectChannels(const ChannelGraph& graph, const std::vector<double>& scores, const ChannelTargets& targets)
{
    ChannelKeep keep(graph.classCount, true);
    std::vector<std::vector<int>> groups(graph.groupCount);
    for (int c = 0; c < graph.classCount; ++c)
        if (graph.groupOf[c] >= 0)
            groups[graph.groupOf[c]].push_back(c);

    if (targets.global) {
        std::vector<int> all;
        for (int c = 0; c < graph.classCount; ++c)
            if (candidate(graph, scores, c))
                all.push_back(c);
        removeLowest(all, scores, targets.fraction, keep);
    } else {
        for (const auto& group : groups) {
            std::vector<int> candidates;
            for (int c : group)
                if (candidate(graph, scores, c))
                    candidates.push_back(c);
            removeLowest(candidates, scores, targets.fraction, keep);
        }
    }

    if (targets.roundTo > 1) {
        for (const auto& group : groups) {
            const std::int64_t kept = std::count_if(group.begin(), group.end(), [&](int c) { return keep[c]; });
            const auto size = static_cast<std::int64_t>(group.size());
            const auto wanted = std::min(size, (kept + targets.roundTo - 1) / targets.roundTo * targets.roundTo);
            restore(group, scores, wanted, keep);
        }
    }

    // Layer-collapse guard: a layer whose every channel went loses nothing.
    for (std::size_t l = 0; l < graph.layers.size(); ++l) {
        const auto& layer = graph.layers[l];
        std::vector<int> classes;
        bool any = false;
        for (std::int64_t c = 0; c < layer.channels; ++c) {
            const int cls = graph.classOf[layer.firstAtom + c];
            classes.push_back(cls);
            any = any || keep[cls];
        }
        if (!any)
            restore(classes, scores, 1, keep);
    }
    return keep;
}

} // namespace espalier::core
