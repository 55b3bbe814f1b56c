// Steering a running session (target, method, schedule, locks, floors) and rolling it back to the
// end of an earlier round. Everything here runs on the session's thread at a safe point, except
// checkSteering, which the caller's thread runs on a copy of the recipe.
#include "sessionimpl.h"

#include <algorithm>
#include <iomanip>

namespace espalier::core {

namespace {

bool wholeSessionMethod(const std::string& method)
{
    return isEspnMethod(method) || method == "gmp" || method == "none";
}

std::string steeringPercent(double fraction)
{
    std::ostringstream text;
    text << std::fixed << std::setprecision(2) << 100.0 * fraction << " %";
    return text.str();
}

std::string describe(const SteeringChange& c)
{
    std::vector<std::string> parts;
    if (c.targetSparsity)
        parts.push_back("target " + steeringPercent(*c.targetSparsity));
    if (c.method)
        parts.push_back("method " + *c.method);
    if (c.methodParams) {
        std::string params;
        for (const auto& [name, value] : *c.methodParams) {
            std::ostringstream v;
            v << value;
            params += (params.empty() ? "" : ", ") + name + "=" + v.str();
        }
        parts.push_back("method_params {" + params + "}");
    }
    if (c.rounds)
        parts.push_back("rounds " + std::to_string(*c.rounds));
    if (c.schedule)
        parts.push_back("schedule " + *c.schedule);
    if (c.roundEpochs)
        parts.push_back("round_epochs " + std::to_string(*c.roundEpochs));
    if (c.collapsePolicy)
        parts.push_back("collapse_policy " + *c.collapsePolicy);
    for (const auto& [layer, locked] : c.locks)
        parts.push_back((locked ? "lock " : "unlock ") + layer);
    for (const auto& [layer, density] : c.floors)
        parts.push_back("floor " + layer + " " + steeringPercent(density));
    std::string text;
    for (const auto& p : parts)
        text += (text.empty() ? "" : ", ") + p;
    return text;
}

std::vector<float> floats(const torch::Tensor& t)
{
    const auto flat = t.detach().to(torch::kFloat32).contiguous().flatten();
    return {flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel()};
}

std::vector<std::uint8_t> bytes(const torch::Tensor& t)
{
    const auto flat = t.detach().to(torch::kUInt8).contiguous().flatten();
    return {flat.data_ptr<std::uint8_t>(), flat.data_ptr<std::uint8_t>() + flat.numel()};
}

// The one place that says what a change does to a recipe (checked on a copy, then applied).
void applyChange(Recipe& r, const SteeringChange& c)
{
    if (c.targetSparsity)
        r.targetSparsity = *c.targetSparsity;
    if (c.method && *c.method != r.method) {
        r.method = *c.method;
        r.methodParams.clear(); // the old method's parameters mean nothing to the new one
    }
    if (c.methodParams)
        r.methodParams = *c.methodParams;
    if (c.rounds)
        r.rounds = *c.rounds;
    if (c.schedule)
        r.schedule = *c.schedule;
    if (c.roundEpochs)
        r.roundEpochs = *c.roundEpochs;
    if (c.collapsePolicy)
        r.collapsePolicy = *c.collapsePolicy;
    for (const auto& [layer, locked] : c.locks) {
        std::erase(r.locks, layer);
        if (locked)
            r.locks.push_back(layer);
    }
    for (const auto& [layer, density] : c.floors) {
        if (density > 0)
            r.floors[layer] = density;
        else
            r.floors.erase(layer);
    }
}

} // namespace

void Session::Impl::rebuildConstraints()
{
    constraints.locked.assign(masks.size(), false);
    constraints.floors.assign(masks.size(), 0.0);
    constraints.keepOnePerLayer = recipe.collapsePolicy == "clamp";
    for (const auto& lock : recipe.locks)
        for (auto i : matchLayers(masks.tensors(), lock, "locks"))
            constraints.locked[i] = true;
    for (const auto& [pattern, floor] : recipe.floors)
        for (auto i : matchLayers(masks.tensors(), pattern, "floors." + pattern))
            constraints.floors[i] = floor;
    // A minimum count becomes the density that keeps exactly that many (maskselection rounds up).
    for (const auto& [pattern, count] : recipe.floorWeights)
        for (auto i : matchLayers(masks.tensors(), pattern, "floor_weights." + pattern)) {
            if (count > masks.numel(i))
                throw InputError("floor_weights." + pattern + ": layer " + masks.tensors()[i].name + " has only " +
                                 std::to_string(masks.numel(i)) + " weights (asked to keep " + std::to_string(count) +
                                 ")");
            constraints.floors[i] = std::max(constraints.floors[i], double(count) / double(masks.numel(i)));
        }
}

void Session::Impl::checkSteering(const SteeringChange& c, const Recipe& base) const
{
    if (c.empty())
        throw InputError("steering: nothing to change");
    if (c.method && *c.method != base.method) {
        if (wholeSessionMethod(base.method) || wholeSessionMethod(*c.method))
            throw InputError("method: " + (wholeSessionMethod(base.method) ? base.method : *c.method) +
                             " runs as a whole session and cannot be switched to or from mid-session; start a "
                             "new session instead");
        if (*c.method == "imp")
            throw InputError("method: imp rewinds to weights saved before the first round; start a new imp session");
    }
    Recipe next = base;
    applyChange(next, c);
    if (c.rounds && wholeSessionMethod(next.method) && *c.rounds != 1)
        throw InputError("rounds: " + next.method + " prunes in one round");
    const auto layerIndex = [&](const std::string& layer, const std::string& key) {
        for (std::size_t i = 0; i < masks.size(); ++i)
            if (masks.tensors()[i].name == layer)
                return i;
        std::string known;
        for (const auto& t : masks.tensors())
            known += (known.empty() ? "" : ", ") + t.name;
        throw InputError(key + ": no prunable layer is called '" + layer + "' (layers: " + known + ")");
    };
    for (const auto& [layer, locked] : c.locks) {
        layerIndex(layer, "locks");
        if (!locked)
            for (const auto& pattern : base.locks)
                if (pattern != layer)
                    for (auto i : matchLayers(masks.tensors(), pattern, "locks"))
                        if (masks.tensors()[i].name == layer)
                            throw InputError("locks: " + layer + " is locked by the recipe's pattern '" + pattern +
                                             "'; edit the recipe to unlock it");
    }
    for (const auto& [layer, density] : c.floors) {
        layerIndex(layer, "floors");
        if (!(density >= 0 && density <= 1))
            throw InputError("floors." + layer + ": must be a density in [0, 1] (got " + std::to_string(density) + ")");
    }
    validateRecipe(next, "steering");
    if (!wholeSessionMethod(next.method) && next.method != "imp")
        checkMethodParams(next.method, next.methodParams);
    else if (isEspnMethod(next.method))
        espnSettingsFrom(next.methodParams, next.train.batch);
    else if (next.method == "imp")
        impSettingsFrom(next.methodParams);
    else if (next.method == "gmp")
        gmpSettingsFrom(next.methodParams);
    if (c.rounds && *c.rounds <= roundsStarted)
        throw InputError("rounds: " + std::to_string(roundsStarted) + " rounds have started already; rounds must be at least " +
                         std::to_string(roundsStarted + 1));
}

void Session::Impl::applySteering(SteeringChange change, bool live)
{
    {
        std::lock_guard lock(recipeMutex);
        if (live)
            change.round = roundsStarted + 1;
        applyChange(recipe, change);
        if (live) {
            recipe.steering.push_back(change);
            appliedSteering = recipe.steering.size();
        }
    }
    rebuildConstraints();
    update([&](Snapshot& s) {
        s.targetSparsity = recipe.targetSparsity;
        s.totalRounds = recipe.rounds;
        for (std::size_t i = 0; i < s.layers.size() && i < masks.size(); ++i) {
            s.layers[i].floor = constraints.floors[i];
            s.layers[i].locked = constraints.locked[i];
        }
    });
    annotate(change.round, "from round " + std::to_string(change.round) + ": " + describe(change));
    publish(true);
}

void Session::Impl::applyRecipeSteering(int round)
{
    while (appliedSteering < recipe.steering.size() && recipe.steering[appliedSteering].round <= round) {
        const SteeringChange change = recipe.steering[appliedSteering++];
        checkSteering(change, recipe);
        applySteering(change, /*live=*/false);
    }
}

void Session::Impl::annotate(int round, const std::string& text)
{
    update([&](Snapshot& s) { s.annotations.push_back({position, round, branch, text}); });
    event(text);
}

void Session::Impl::warnCollapse(int round, const std::string& layer, const std::string& action,
                                 const std::string& message)
{
    update([&](Snapshot& s) { s.collapseWarnings.push_back({round, layer, recipe.collapsePolicy, action, message}); });
    event("warning: " + message);
}

void Session::Impl::refuseRound(int round, const std::string& message)
{
    if (!hooks || !hooks->interactive)
        throw InputError(message);
    control.requestPause();
    throw RollbackRequested{round - 1, /*keepRecipe=*/true};
}

void Session::Impl::saveRoundState(int round)
{
    history.store(currentState(round));
    update([&](Snapshot& s) { s.rollbackRounds = history.rounds(); });
    markResumePoint(round);
}

int Session::Impl::restoreRoundState(int round, bool keepRecipe)
{
    const RoundState* state = history.find(round);
    if (!state)
        throw std::logic_error("round " + std::to_string(round) + " is not in the rollback history");
    applyState(*state);
    if (!keepRecipe) {
        std::lock_guard lock(recipeMutex);
        recipe = state->recipe;
        appliedSteering = recipe.steering.size();
    }
    rebuildConstraints();
    refreshKept();
    position = state->position;
    roundsStarted = round;
    branch = ++branches;
    auto layers = layerStats();
    for (std::size_t i = 0; i < layers.size() && i < lastScores.size(); ++i)
        if (lastScores[i].defined())
            layers[i].histogram = makeSaliencyHistogram(lastScores[i], masks.mask(i));
    update([&](Snapshot& s) {
        s.layers = std::move(layers);
        s.branch = branch;
        s.round = round;
        s.targetSparsity = recipe.targetSparsity;
        s.totalRounds = recipe.rounds;
        s.phase = "rollback";
        s.previewRound = 0;
        s.previewThresholds.clear();
        s.epoch = 0;
        s.batch = 0;
    });
    annotate(round + 1, keepRecipe ? "round " + std::to_string(round + 1) + " refused; back at the end of round " +
                                         std::to_string(round)
                                   : "rolled back to the end of round " + std::to_string(round) + " (branch " +
                                         std::to_string(branch) + ")");
    markResumePoint(round);
    return round;
}

LayerTensors Session::Impl::copyLayerTensors(const std::string& name) const
{
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < masks.size(); ++i) {
        if (masks.tensors()[i].name != name)
            continue;
        LayerTensors out;
        out.name = name;
        const auto sizes = masks.tensors()[i].weight.sizes();
        out.shape.assign(sizes.begin(), sizes.end());
        out.weights = floats(masks.tensors()[i].weight);
        if (i < lastScores.size() && lastScores[i].defined())
            out.scores = floats(lastScores[i]);
        out.mask = bytes(masks.mask(i));
        if (i < previousMasks.size() && previousMasks[i].defined())
            out.previousMask = bytes(previousMasks[i]);
        out.round = roundsStarted;
        return out;
    }
    throw InputError("no prunable layer is called '" + name + "'");
}

} // namespace espalier::core
