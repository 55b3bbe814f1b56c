#include "reciperules.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include <nlohmann/json.hpp>

#include "espalier/core/errors.h"

namespace espalier::core {

namespace {

std::string joined(const std::vector<std::string>& values)
{
    std::string out;
    for (const auto& v : values)
        out += (out.empty() ? "" : ", ") + v;
    return out;
}

std::string oneOf(const std::vector<std::string>& values) { return "one of " + joined(values); }

bool contains(const std::vector<std::string>& values, const std::string& value)
{
    return std::find(values.begin(), values.end(), value) != values.end();
}

const std::map<std::string, std::string>& rules()
{
    static const std::map<std::string, std::string> kRules = {
        {"", "a JSON object"},
        {"model", "an object"},
        {"model.name", "a non-empty string (a zoo name or a TorchScript file)"},
        {"model.width_multiplier", "a number > 0"},
        {"model.weights", "a string (a torch.save state_dict .pt or an Espalier sparse checkpoint .h5)"},
        {"model.masks", "a string (an HDF5 masks file, a report.h5, or an h5py file with /masks/<name>)"},
        {"data", "an object"},
        {"data.name", oneOf(recipeDatasets())},
        {"data.root", "a string (a folder, or the .h5 file when data.name is hdf5)"},
        {"data.train_limit", "null or an integer >= 1"},
        {"data.validation", "a number in [0, 1)"},
        {"method", oneOf(recipeMethods())},
        {"method_params", "an object of name: number"},
        {"method_params.*", "a finite number"},
        {"channels", "an object"},
        {"channels.method", oneOf(recipeChannelMethods())},
        {"channels.fraction", "a number in (0, 1)"},
        {"channels.allocation", oneOf(recipeAllocations())},
        {"channels.round_to", "an integer >= 1"},
        {"channels.penalty", "a number >= 0"},
        {"channels.samples", "an integer >= 1"},
        {"target_sparsity", "a number in [0, 1)"},
        {"rounds", "an integer >= 1"},
        {"schedule", oneOf(recipeSchedules())},
        {"allocation", oneOf(recipeAllocations())},
        {"collapse_policy", oneOf(recipeCollapsePolicies())},
        {"exclude", "an array of non-empty strings"},
        {"locks", "an array of non-empty strings"},
        {"floors", "an object of layer: density"},
        {"floors.*", "a number in [0, 1]"},
        {"floor_weights", "an object of layer: count"},
        {"floor_weights.*", "an integer >= 0"},
        {"train", "an object"},
        {"train.epochs", "an integer >= 0"},
        {"train.batch", "an integer >= 1"},
        {"train.optimizer", oneOf(recipeOptimizers())},
        {"train.lr", "a number > 0"},
        {"train.momentum", "a number in [0, 1)"},
        {"train.nesterov", "true or false"},
        {"train.weight_decay", "a number >= 0"},
        {"train.lr_schedule", "an object"},
        {"train.lr_schedule.type", oneOf(recipeLrSchedules())},
        {"train.lr_schedule.step", "an integer >= 1"},
        {"train.lr_schedule.gamma", "a number > 0"},
        {"train.lr_schedule.milestones", "an array of strictly increasing integers >= 1"},
        {"round_epochs", "an integer >= 0"},
        {"scoring", "an object"},
        {"scoring.samples", "an integer >= 1"},
        {"scoring.file_order", "true or false"},
        {"seed", "a non-negative integer"},
        {"threads", "an integer >= 0 (0 = hardware concurrency)"},
        {"micro_batches", "an integer >= 1"},
        {"steering", "an array of changes, each with the round it applies from"},
        {"steering.round", "an integer >= 1, not smaller than the round of the change before it"},
        {"steering.target_sparsity", "a number in [0, 1)"},
        {"steering.method", oneOf(recipeMethods())},
        {"steering.method_params", "an object of name: number"},
        {"steering.method_params.*", "a finite number"},
        {"steering.rounds", "an integer >= the round of the change"},
        {"steering.schedule", oneOf(recipeSchedules())},
        {"steering.round_epochs", "an integer >= 0"},
        {"steering.collapse_policy", oneOf(recipeCollapsePolicies())},
        {"steering.locks", "an object of layer: true or false"},
        {"steering.locks.*", "true or false"},
        {"steering.floors", "an object of layer: density"},
        {"steering.floors.*", "a number in [0, 1]"},
    };
    return kRules;
}

template <typename T> std::string dumped(const T& value)
{
    return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

const std::vector<std::string>& recipeMethods()
{
    // Later issues add the scorers; the names are accepted now so recipes written for them parse.
    static const std::vector<std::string> kMethods = {
        "magnitude", "random", "snip", "grasp", "synflow", "espn-finetune", "espn-rewind",
        "imp",       "gmp",    "taylor", "l1-filter", "slimming", "none"};
    return kMethods;
}

const std::vector<std::string>& recipeChannelMethods()
{
    static const std::vector<std::string> kMethods = {"l1-filter", "slimming", "taylor", "random"};
    return kMethods;
}

const std::vector<std::string>& recipeDatasets()
{
    static const std::vector<std::string> kDatasets = {"fashion-mnist", "mnist",     "kmnist",
                                                       "cifar10",       "cifar100",  "hdf5",
                                                       "synthetic",     "synthetic-cifar"};
    return kDatasets;
}

const std::vector<std::string>& recipeSchedules()
{
    static const std::vector<std::string> kSchedules = {"exponential", "linear"};
    return kSchedules;
}

const std::vector<std::string>& recipeAllocations()
{
    static const std::vector<std::string> kAllocations = {"global", "layerwise"};
    return kAllocations;
}

const std::vector<std::string>& recipeCollapsePolicies()
{
    static const std::vector<std::string> kPolicies = {"block", "clamp", "allow", "proceed"};
    return kPolicies;
}

const std::vector<std::string>& recipeOptimizers()
{
    static const std::vector<std::string> kOptimizers = {"sgd", "adam"};
    return kOptimizers;
}

const std::vector<std::string>& recipeLrSchedules()
{
    static const std::vector<std::string> kTypes = {"none", "step", "multistep", "cosine"};
    return kTypes;
}

std::string ruleFor(const std::string& key)
{
    static const std::regex kIndex(R"(\[\d+\])");
    std::string k = std::regex_replace(key, kIndex, "");
    if (k.starts_with("pretrain"))
        k = "train" + k.substr(8);
    for (const char* map : {"floors.", "floor_weights.", "method_params.", "steering.method_params.",
                            "steering.locks.", "steering.floors."})
        if (k.starts_with(map))
            k = std::string(map) + "*";
    if (key.ends_with("]") && (k == "exclude" || k == "locks"))
        return "a non-empty string";
    if (key.ends_with("]") && k == "train.lr_schedule.milestones")
        return "an integer >= 1, greater than the milestone before it";
    const auto it = rules().find(k);
    return it == rules().end() ? "valid" : it->second;
}

std::string defaultDataRoot(const std::string& dataName)
{
    if (dataName == "fashion-mnist" || dataName == "mnist" || dataName == "kmnist")
        return "/usr/share/datasets/" + dataName;
    return {};
}

RecipeSource::RecipeSource(std::string name) : m_name(std::move(name)) {}

void RecipeSource::noteOverride(const std::string& key, const std::string& override)
{
    m_overrides[key] = override;
}

void RecipeSource::fail(const std::string& key, const std::string& what) const
{
    std::string message = m_name + ": " + (key.empty() ? "the recipe" : key) + " " + what;
    for (const auto& [overridden, text] : m_overrides) {
        // The key itself, a value inside it, or an object the override created on the way to it.
        const bool related = key == overridden || key.starts_with(overridden + ".") ||
                             key.starts_with(overridden + "[") || overridden.starts_with(key + ".");
        if (related) {
            message += " (set by override \"" + text + "\")";
            break;
        }
    }
    throw InputError(message);
}

void RecipeSource::badValue(const std::string& key, const std::string& got) const
{
    constexpr std::size_t kMaxShown = 60; // a whole mistyped object would drown the message
    const std::string shown = got.size() > kMaxShown ? got.substr(0, kMaxShown) + "..." : got;
    fail(key, "must be " + ruleFor(key) + " (got " + shown + ")");
}

void RecipeSource::failGeneral(const std::string& message) const
{
    throw InputError(m_name + ": " + message);
}

namespace {

// Comparisons are written so that NaN fails them (the GUI may hand us any double).
void checkTrain(const TrainSettings& t, const std::string& p, const RecipeSource& src)
{
    if (!(t.epochs >= 0))
        src.badValue(p + ".epochs", dumped(t.epochs));
    if (!(t.batch >= 1))
        src.badValue(p + ".batch", dumped(t.batch));
    if (!contains(recipeOptimizers(), t.optimizer))
        src.badValue(p + ".optimizer", dumped(t.optimizer));
    if (!(t.lr > 0) || !std::isfinite(t.lr))
        src.badValue(p + ".lr", dumped(t.lr));
    if (!(t.momentum >= 0 && t.momentum < 1))
        src.badValue(p + ".momentum", dumped(t.momentum));
    // LibTorch's SGD rejects Nesterov without momentum; say so before a run starts.
    if (t.optimizer == "sgd" && t.nesterov && t.momentum == 0)
        src.fail(p + ".nesterov", "requires " + p + ".momentum > 0");
    if (!(t.weightDecay >= 0) || !std::isfinite(t.weightDecay))
        src.badValue(p + ".weight_decay", dumped(t.weightDecay));
    const std::string s = p + ".lr_schedule";
    if (!contains(recipeLrSchedules(), t.lrSchedule.type))
        src.badValue(s + ".type", dumped(t.lrSchedule.type));
    if (!(t.lrSchedule.step >= 1))
        src.badValue(s + ".step", dumped(t.lrSchedule.step));
    if (!(t.lrSchedule.gamma > 0) || !std::isfinite(t.lrSchedule.gamma))
        src.badValue(s + ".gamma", dumped(t.lrSchedule.gamma));
    const auto& m = t.lrSchedule.milestones;
    for (std::size_t i = 0; i < m.size(); ++i)
        if (m[i] < 1 || (i > 0 && m[i] <= m[i - 1]))
            src.badValue(s + ".milestones", dumped(m));
}

void checkNames(const std::vector<std::string>& names, const std::string& key, const RecipeSource& src)
{
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i].empty())
            src.badValue(key + "[" + std::to_string(i) + "]", "\"\"");
}

} // namespace

void checkRecipe(const Recipe& r, const RecipeSource& src)
{
    if (r.model.name.empty())
        src.badValue("model.name", "\"\"");
    if (!(r.model.widthMultiplier > 0) || !std::isfinite(r.model.widthMultiplier))
        src.badValue("model.width_multiplier", dumped(r.model.widthMultiplier));

    if (!contains(recipeDatasets(), r.data.name))
        src.badValue("data.name", dumped(r.data.name));
    if (r.data.name == "hdf5" && r.data.root.empty())
        src.fail("data.root", "must be the path of the .h5 file when data.name is hdf5");
    if (r.data.trainLimit && !(*r.data.trainLimit >= 1))
        src.badValue("data.train_limit", dumped(*r.data.trainLimit));
    if (!(r.data.validation >= 0 && r.data.validation < 1))
        src.badValue("data.validation", dumped(r.data.validation));

    if (!contains(recipeMethods(), r.method))
        src.badValue("method", dumped(r.method));
    for (const auto& [name, value] : r.methodParams) {
        if (name.empty())
            src.fail("method_params", "has an empty parameter name");
        if (!std::isfinite(value))
            src.badValue("method_params." + name, dumped(value));
    }
    if (r.channels.enabled()) {
        if (!contains(recipeChannelMethods(), r.channels.method))
            src.badValue("channels.method", dumped(r.channels.method));
        if (!(r.channels.fraction > 0 && r.channels.fraction < 1))
            src.badValue("channels.fraction", dumped(r.channels.fraction));
        if (!contains(recipeAllocations(), r.channels.allocation))
            src.badValue("channels.allocation", dumped(r.channels.allocation));
        if (!(r.channels.roundTo >= 1))
            src.badValue("channels.round_to", dumped(r.channels.roundTo));
        if (!(r.channels.penalty >= 0) || !std::isfinite(r.channels.penalty))
            src.badValue("channels.penalty", dumped(r.channels.penalty));
        if (!(r.channels.samples >= 1))
            src.badValue("channels.samples", dumped(r.channels.samples));
    }
    if (r.method == "l1-filter" || r.method == "slimming")
        src.fail("method", "\"" + r.method + "\" removes whole channels: put it in channels.method and set method to "
                           "\"none\" (or to an unstructured method that prunes what the cut leaves)");
    if (r.method == "none" && !r.channels.enabled())
        src.fail("method", "\"none\" prunes nothing; it follows a channel cut (set channels.method)");
    if (r.method == "none" && r.rounds != 1)
        src.fail("rounds", "method \"none\" has one round (the channel cut and its fine-tuning); set rounds to 1");
    if (!(r.targetSparsity >= 0 && r.targetSparsity < 1))
        src.badValue("target_sparsity", dumped(r.targetSparsity));
    if (!(r.rounds >= 1))
        src.badValue("rounds", dumped(r.rounds));
    if (!contains(recipeSchedules(), r.schedule))
        src.badValue("schedule", dumped(r.schedule));
    if (!contains(recipeAllocations(), r.allocation))
        src.badValue("allocation", dumped(r.allocation));
    if (!contains(recipeCollapsePolicies(), r.collapsePolicy))
        src.badValue("collapse_policy", dumped(r.collapsePolicy));
    checkNames(r.exclude, "exclude", src);
    checkNames(r.locks, "locks", src);
    for (const auto& [layer, density] : r.floors) {
        if (layer.empty())
            src.fail("floors", "has an empty layer name");
        if (!(density >= 0 && density <= 1))
            src.badValue("floors." + layer, dumped(density));
    }
    for (const auto& [layer, count] : r.floorWeights) {
        if (layer.empty())
            src.fail("floor_weights", "has an empty layer name");
        if (!(count >= 0))
            src.badValue("floor_weights." + layer, dumped(count));
    }

    // train first: pretrain inherits from it, and the error should name the key the user wrote.
    checkTrain(r.train, "train", src);
    checkTrain(r.pretrain, "pretrain", src);
    if (!(r.roundEpochs >= 0))
        src.badValue("round_epochs", dumped(r.roundEpochs));
    if (!(r.scoring.samples >= 1))
        src.badValue("scoring.samples", dumped(r.scoring.samples));
    if (!(r.threads >= 0))
        src.badValue("threads", dumped(r.threads));
    if (!(r.microBatches >= 1))
        src.badValue("micro_batches", dumped(r.microBatches));
    int previousRound = 1;
    for (std::size_t i = 0; i < r.steering.size(); ++i) {
        const SteeringChange& c = r.steering[i];
        const std::string key = "steering[" + std::to_string(i) + "]";
        if (!(c.round >= previousRound))
            src.badValue(key + ".round", dumped(c.round));
        previousRound = c.round;
        if (c.targetSparsity && !(*c.targetSparsity >= 0 && *c.targetSparsity < 1))
            src.badValue(key + ".target_sparsity", dumped(*c.targetSparsity));
        if (c.method && !contains(recipeMethods(), *c.method))
            src.badValue(key + ".method", dumped(*c.method));
        if (c.methodParams)
            for (const auto& [name, value] : *c.methodParams)
                if (name.empty() || !std::isfinite(value))
                    src.badValue(key + ".method_params." + name, dumped(value));
        if (c.rounds && !(*c.rounds >= c.round))
            src.badValue(key + ".rounds", dumped(*c.rounds));
        if (c.schedule && !contains(recipeSchedules(), *c.schedule))
            src.badValue(key + ".schedule", dumped(*c.schedule));
        if (c.roundEpochs && !(*c.roundEpochs >= 0))
            src.badValue(key + ".round_epochs", dumped(*c.roundEpochs));
        if (c.collapsePolicy && !contains(recipeCollapsePolicies(), *c.collapsePolicy))
            src.badValue(key + ".collapse_policy", dumped(*c.collapsePolicy));
        for (const auto& [layer, locked] : c.locks)
            if (layer.empty())
                src.fail(key + ".locks", "has an empty layer name");
        for (const auto& [layer, density] : c.floors)
            if (layer.empty() || !(density >= 0 && density <= 1))
                src.badValue(key + ".floors." + layer, dumped(density));
    }
}

} // namespace espalier::core
