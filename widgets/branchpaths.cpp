#include "widgets/branchpaths.h"

#include <algorithm>
#include <limits>

namespace espalier::widgets {
namespace {

constexpr int kOpen = std::numeric_limits<int>::max();

} // namespace

BranchPaths::BranchPaths(const std::vector<core::EpochRecord>& epochs, const std::vector<core::RoundRecord>& rounds,
                         const std::vector<core::Annotation>& annotations, int currentBranch)
{
    int branches = std::max(currentBranch, 0) + 1;
    for (const auto& e : epochs)
        branches = std::max(branches, e.branch + 1);
    for (const auto& r : rounds)
        branches = std::max(branches, r.branch + 1);
    // Where each branch left its parent: the earliest trace it left (a rollback annotates the fork
    // position itself; a round without training ends there; an epoch lies one past it).
    std::vector<int> forkPosition(std::size_t(branches), kOpen);
    std::vector<int> forkRound(std::size_t(branches), kOpen);
    const auto note = [&](int branch, int position, int round) {
        if (branch <= 0 || branch >= branches)
            return;
        forkPosition[branch] = std::min(forkPosition[branch], position);
        forkRound[branch] = std::min(forkRound[branch], round);
    };
    for (const auto& a : annotations)
        note(a.branch, a.position, a.round - 1);
    for (const auto& r : rounds)
        note(r.branch, r.position, r.round - 1);
    for (std::size_t i = 0; i < epochs.size(); ++i)
        note(epochs[i].branch, epochPosition(epochs[i], i) - 1, epochs[i].round > 0 ? epochs[i].round - 1 : kOpen);

    m_spans.resize(std::size_t(branches));
    m_spans[0] = {{.branch = 0, .after = 0, .last = kOpen, .lastRound = kOpen}};
    for (int b = 1; b < branches; ++b) {
        for (Span span : m_spans[b - 1]) {
            if (span.after >= forkPosition[b] && forkPosition[b] != kOpen)
                break;
            span.last = std::min(span.last, forkPosition[b]);
            span.lastRound = std::min(span.lastRound, forkRound[b]);
            m_spans[b].push_back(span);
        }
        m_spans[b].push_back({.branch = b, .after = forkPosition[b], .last = kOpen, .lastRound = kOpen});
    }

    m_epochBranch.reserve(epochs.size());
    for (const auto& e : epochs)
        m_epochBranch.push_back(std::max(e.branch, 0));
    m_roundBranch.reserve(rounds.size());
    for (const auto& r : rounds)
        m_roundBranch.push_back(std::max(r.branch, 0));
    m_epochPaths.resize(std::size_t(branches));
    m_roundPaths.resize(std::size_t(branches));
    for (int b = 0; b < branches; ++b) {
        // Spans are in position order, and a branch records in position order, so the path is sorted.
        for (const Span& span : m_spans[b]) {
            for (std::size_t i = 0; i < epochs.size(); ++i) {
                const int position = epochPosition(epochs[i], i);
                if (m_epochBranch[i] == span.branch && position > span.after && position <= span.last)
                    m_epochPaths[b].push_back(i);
            }
            for (std::size_t i = 0; i < rounds.size(); ++i) {
                const core::RoundRecord& r = rounds[i];
                if (m_roundBranch[i] == span.branch && r.position >= span.after && r.position <= span.last
                    && r.round <= span.lastRound)
                    m_roundPaths[b].push_back(i);
            }
        }
    }
}

bool BranchPaths::containsAnnotation(int path, const core::Annotation& annotation) const
{
    const Span* span = spanOf(path, annotation.branch);
    return span && annotation.position >= span->after && (span->last == kOpen || annotation.position < span->last);
}

const BranchPaths::Span* BranchPaths::spanOf(int path, int branch) const
{
    if (path < 0 || path >= branchCount())
        return nullptr;
    for (const Span& span : m_spans[path]) {
        if (span.branch == branch)
            return &span;
    }
    return nullptr;
}

BranchSplit BranchPaths::split(const std::vector<std::vector<std::size_t>>& paths, const std::vector<int>& branchOf,
                               int current)
{
    BranchSplit out;
    if (current < 0 || current >= int(paths.size()))
        return out;
    std::vector<bool> onCurrent(branchOf.size(), false);
    for (const std::size_t i : paths[current]) {
        onCurrent[i] = true;
        (branchOf[i] == current ? out.current : out.history).push_back(i);
    }
    if (!out.history.empty() && !out.current.empty())
        out.history.push_back(out.current.front());
    for (int b = 0; b < int(paths.size()); ++b) {
        if (b == current)
            continue;
        const std::vector<std::size_t>& path = paths[b];
        const auto left = std::find_if(path.begin(), path.end(),
                                       [&](std::size_t i) { return branchOf[i] == b && !onCurrent[i]; });
        if (left == path.end())
            continue;
        std::vector<std::size_t>& own = out.others[b];
        own.assign(left == path.begin() ? left : left - 1, path.end());
    }
    return out;
}

} // namespace espalier::widgets
