#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include <torch/torch.h>

#include "espalier/core/recipe.h"

namespace espalier::core {

/// Everything a session needs to continue from the end of one round as if it had just finished it.
struct RoundState {
    int round = 0; ///< 0 = after pretraining, before the first mask
    std::vector<torch::Tensor> module; ///< parameters then buffers, cloned
    std::vector<torch::Tensor> masks;
    std::vector<torch::Tensor> previousMasks;
    std::vector<torch::Tensor> scores;
    std::vector<std::int64_t> effectiveKept;
    std::vector<std::int64_t> removedChannelClasses; ///< of the channel cut (recipe.channels); empty before it
    Recipe recipe; ///< with the steering applied so far
    torch::Generator generator;
    int position = 0; ///< epochs along the branch

    [[nodiscard]] std::int64_t bytes() const;
};

/// The bounded rollback history: the newest `maxStates` round states within `maxBytes`, oldest
/// dropped first. A new state for a round replaces the states of that round and every later one
/// (they belong to an abandoned branch).
class RoundHistory {
public:
    RoundHistory(std::size_t maxStates, std::int64_t maxBytes) : m_maxStates(maxStates), m_maxBytes(maxBytes) {}

    void store(RoundState state);
    [[nodiscard]] const RoundState* find(int round) const;
    [[nodiscard]] std::vector<int> rounds() const;
    /// Oldest first, rounds ascending.
    [[nodiscard]] const std::deque<RoundState>& states() const { return m_states; }

private:
    std::deque<RoundState> m_states;
    std::size_t m_maxStates;
    std::int64_t m_maxBytes;
};

} // namespace espalier::core
