#include "roundhistory.h"

namespace espalier::core {

namespace {

std::int64_t bytesOf(const std::vector<torch::Tensor>& tensors)
{
    std::int64_t total = 0;
    for (const auto& t : tensors)
        total += t.defined() ? t.numel() * std::int64_t(t.element_size()) : 0;
    return total;
}

} // namespace

std::int64_t RoundState::bytes() const
{
    return bytesOf(module) + bytesOf(masks) + bytesOf(previousMasks) + bytesOf(scores);
}

void RoundHistory::store(RoundState state)
{
    while (!m_states.empty() && m_states.back().round >= state.round)
        m_states.pop_back();
    m_states.push_back(std::move(state));
    std::int64_t total = 0;
    for (const auto& s : m_states)
        total += s.bytes();
    // Always keep the newest state, even when it alone is over budget.
    while (m_states.size() > 1 && (m_states.size() > m_maxStates || total > m_maxBytes)) {
        total -= m_states.front().bytes();
        m_states.pop_front();
    }
}

const RoundState* RoundHistory::find(int round) const
{
    for (const auto& s : m_states)
        if (s.round == round)
            return &s;
    return nullptr;
}

std::vector<int> RoundHistory::rounds() const
{
    std::vector<int> out;
    for (const auto& s : m_states)
        out.push_back(s.round);
    return out;
}

} // namespace espalier::core
