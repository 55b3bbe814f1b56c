#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "espalier/core/snapshot.h"

namespace espalier::widgets {

/// An epoch's x on time plots: its position along its branch; records without one (older
/// snapshots, hand-made histories) count from 1 in record order.
inline int epochPosition(const core::EpochRecord& epoch, std::size_t index)
{
    return epoch.position > 0 ? epoch.position : int(index) + 1;
}

/// Records of one kind sorted for drawing with a current branch: its own records, the records of
/// the branches it grew from (its history up to the fork), and what every other branch did after it
/// left that history. Indices into the record vector.
struct BranchSplit {
    std::vector<std::size_t> current;
    /// Ancestor records on the current branch's history, then the first current record, so the
    /// line runs on across the fork.
    std::vector<std::size_t> history;
    /// Per other branch: the record it left the current history from (if any), then its own.
    std::map<int, std::vector<std::size_t>> others;
};

/// The history of every branch of a session. A rollback restores a round state the core kept for
/// the branch it rolls back from, so branch b is branch b − 1's history up to the fork position
/// (the end of the round rolled back to), then its own records. The fork is where branch b's first
/// record or annotation lies.
class BranchPaths {
public:
    BranchPaths(const std::vector<core::EpochRecord>& epochs, const std::vector<core::RoundRecord>& rounds,
                const std::vector<core::Annotation>& annotations, int currentBranch);

    [[nodiscard]] int branchCount() const { return int(m_spans.size()); }
    /// Epochs along the history of `branch` in position order (indices into the epochs).
    [[nodiscard]] const std::vector<std::size_t>& epochPath(int branch) const { return m_epochPaths.at(branch); }
    [[nodiscard]] const std::vector<std::size_t>& roundPath(int branch) const { return m_roundPaths.at(branch); }
    [[nodiscard]] BranchSplit splitEpochs(int current) const { return split(m_epochPaths, m_epochBranch, current); }
    [[nodiscard]] BranchSplit splitRounds(int current) const { return split(m_roundPaths, m_roundBranch, current); }
    /// An annotation at the fork position of an ancestor happened after the round state was kept,
    /// so it is not part of the history.
    [[nodiscard]] bool containsAnnotation(int path, const core::Annotation& annotation) const;

private:
    struct Span {
        int branch = 0;
        int after = 0;     ///< positions after this one belong to the span
        int last = 0;      ///< up to and including this one
        int lastRound = 0; ///< rounds after the fork round ended on an abandoned stretch
    };

    [[nodiscard]] const Span* spanOf(int path, int branch) const;
    static BranchSplit split(const std::vector<std::vector<std::size_t>>& paths, const std::vector<int>& branchOf,
                             int current);

    std::vector<std::vector<Span>> m_spans; // per branch, oldest first
    std::vector<std::vector<std::size_t>> m_epochPaths;
    std::vector<std::vector<std::size_t>> m_roundPaths;
    std::vector<int> m_epochBranch;
    std::vector<int> m_roundBranch;
};

} // namespace espalier::widgets
