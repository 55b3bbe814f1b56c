#pragma once

#include <map>
#include <optional>
#include <string>

namespace espalier::core {

/// Changes a user makes to a running session. Every field is absolute (the new value, not a
/// delta) so applying a change twice is the same as once. A change takes effect from round
/// `round`: the first round whose mask has not been chosen yet when the change arrives.
struct SteeringChange {
    int round = 0; ///< set by the session when it applies the change (recipes: the round it applies from)
    std::optional<double> targetSparsity;
    std::optional<std::string> method;
    std::optional<std::map<std::string, double>> methodParams;
    std::optional<int> rounds;     ///< total rounds of the session
    std::optional<std::string> schedule;
    std::optional<int> roundEpochs;
    std::optional<std::string> collapsePolicy;
    std::map<std::string, bool> locks;    ///< layer → locked (exact parameter names)
    std::map<std::string, double> floors; ///< layer → minimum density (0 removes the floor)

    bool operator==(const SteeringChange&) const = default;

    [[nodiscard]] bool empty() const
    {
        return !targetSparsity && !method && !methodParams && !rounds && !schedule && !roundEpochs &&
               !collapsePolicy && locks.empty() && floors.empty();
    }
};

} // namespace espalier::core
