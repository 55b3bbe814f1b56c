#include "recipejson.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace espalier::core {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

std::string dumped(const json& value)
{
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Integral JSON numbers, including integral floats such as 1e3.
std::optional<std::int64_t> asInteger(const json& j)
{
    if (j.is_number_unsigned()) {
        const auto u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    if (j.is_number_integer())
        return j.get<std::int64_t>();
    if (j.is_number_float()) {
        const double d = j.get<double>();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e18)
            return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

/// Reads the keys of one JSON object; keys never asked for are unknown keys (see finish()), so
/// the list of known keys is the code that reads them and cannot drift from it.
class ObjectReader {
public:
    ObjectReader(const json& value, std::string prefix, const RecipeSource& source)
        : m_value(value), m_prefix(std::move(prefix)), m_source(source)
    {
        if (!m_value.is_object())
            m_source.badValue(m_prefix, dumped(m_value));
    }

    std::string key(const std::string& name) const { return m_prefix.empty() ? name : m_prefix + "." + name; }

    const json* take(const std::string& name)
    {
        m_known.push_back(name);
        const auto it = m_value.find(name);
        return it == m_value.end() ? nullptr : &*it;
    }

    bool read(const std::string& name, std::string& out)
    {
        const json* j = take(name);
        if (j && !j->is_string())
            m_source.badValue(key(name), dumped(*j));
        if (j)
            out = j->get<std::string>();
        return j != nullptr;
    }

    bool read(const std::string& name, double& out)
    {
        const json* j = take(name);
        if (j && !j->is_number())
            m_source.badValue(key(name), dumped(*j));
        if (j)
            out = j->get<double>();
        return j != nullptr;
    }

    bool read(const std::string& name, bool& out)
    {
        const json* j = take(name);
        if (j && !j->is_boolean())
            m_source.badValue(key(name), dumped(*j));
        if (j)
            out = j->get<bool>();
        return j != nullptr;
    }

    bool read(const std::string& name, int& out)
    {
        const json* j = take(name);
        if (j)
            out = toInt(*j, key(name));
        return j != nullptr;
    }

    bool read(const std::string& name, std::uint64_t& out)
    {
        const json* j = take(name);
        if (!j)
            return false;
        if (j->is_number_unsigned())
            out = j->get<std::uint64_t>();
        else if (const auto v = asInteger(*j); v && *v >= 0)
            out = static_cast<std::uint64_t>(*v);
        else
            m_source.badValue(key(name), dumped(*j));
        return true;
    }

    bool read(const std::string& name, std::optional<std::int64_t>& out)
    {
        const json* j = take(name);
        if (!j)
            return false;
        if (j->is_null()) {
            out.reset();
        } else if (const auto v = asInteger(*j)) {
            out = *v;
        } else {
            m_source.badValue(key(name), dumped(*j));
        }
        return true;
    }

    bool read(const std::string& name, std::vector<std::string>& out)
    {
        const json* j = take(name);
        if (!j)
            return false;
        if (!j->is_array())
            m_source.badValue(key(name), dumped(*j));
        out.clear();
        for (std::size_t i = 0; i < j->size(); ++i) {
            if (!(*j)[i].is_string())
                m_source.badValue(key(name) + "[" + std::to_string(i) + "]", dumped((*j)[i]));
            out.push_back((*j)[i].get<std::string>());
        }
        return true;
    }

    bool read(const std::string& name, std::vector<int>& out)
    {
        const json* j = take(name);
        if (!j)
            return false;
        if (!j->is_array())
            m_source.badValue(key(name), dumped(*j));
        out.clear();
        for (std::size_t i = 0; i < j->size(); ++i)
            out.push_back(toInt((*j)[i], key(name) + "[" + std::to_string(i) + "]"));
        return true;
    }

    /// An object of name → value; `convert` returns nullopt for a value of the wrong type.
    template <typename T, typename Convert>
    bool readMap(const std::string& name, std::map<std::string, T>& out, Convert convert)
    {
        const json* j = take(name);
        if (!j)
            return false;
        if (!j->is_object())
            m_source.badValue(key(name), dumped(*j));
        out.clear();
        for (const auto& [entry, value] : j->items()) {
            const std::optional<T> v = convert(value);
            if (!v)
                m_source.badValue(key(name) + "." + entry, dumped(value));
            out[entry] = *v;
        }
        return true;
    }

    bool read(const std::string& name, std::map<std::string, double>& out)
    {
        return readMap(name, out, [](const json& v) {
            return v.is_number() ? std::optional<double>(v.get<double>()) : std::nullopt;
        });
    }

    bool read(const std::string& name, std::map<std::string, bool>& out)
    {
        return readMap(name, out, [](const json& v) {
            return v.is_boolean() ? std::optional<bool>(v.get<bool>()) : std::nullopt;
        });
    }

    bool read(const std::string& name, std::map<std::string, std::int64_t>& out)
    {
        return readMap(name, out, [](const json& v) { return asInteger(v); });
    }

    /// Optional values stay unset when the key is absent.
    template <typename T> bool read(const std::string& name, std::optional<T>& out)
    {
        if (!m_value.contains(name)) {
            take(name);
            return false;
        }
        T value{};
        read(name, value);
        out = std::move(value);
        return true;
    }

    /// Fails on the first key of the object that no read()/take() asked for.
    void finish() const
    {
        for (const auto& [name, value] : m_value.items()) {
            if (std::find(m_known.begin(), m_known.end(), name) != m_known.end())
                continue;
            std::string allowed;
            for (const auto& k : m_known)
                allowed += (allowed.empty() ? "" : ", ") + k;
            const std::string where = m_prefix.empty() ? "" : " in " + m_prefix;
            m_source.fail(key(name), "is an unknown key (allowed" + where + ": " + allowed + ")");
        }
    }

private:
    int toInt(const json& j, const std::string& fullKey) const
    {
        const auto v = asInteger(j);
        if (!v || *v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max())
            m_source.badValue(fullKey, dumped(j));
        return static_cast<int>(*v);
    }

    const json& m_value;
    std::string m_prefix;
    const RecipeSource& m_source;
    std::vector<std::string> m_known;
};

/// Reads only the keys present, so `out` keeps whatever it held (defaults, or train's values).
void readTrain(const json& value, const std::string& prefix, TrainSettings& out, const RecipeSource& src)
{
    ObjectReader t(value, prefix, src);
    t.read("epochs", out.epochs);
    t.read("batch", out.batch);
    t.read("optimizer", out.optimizer);
    t.read("lr", out.lr);
    t.read("momentum", out.momentum);
    t.read("nesterov", out.nesterov);
    t.read("weight_decay", out.weightDecay);
    if (const json* j = t.take("lr_schedule")) {
        ObjectReader s(*j, t.key("lr_schedule"), src);
        s.read("type", out.lrSchedule.type);
        s.read("step", out.lrSchedule.step);
        s.read("gamma", out.lrSchedule.gamma);
        s.read("milestones", out.lrSchedule.milestones);
        s.finish();
    }
    t.finish();
}

void readSteering(const json& value, std::vector<SteeringChange>& out, const RecipeSource& src)
{
    if (!value.is_array())
        src.badValue("steering", dumped(value));
    out.clear();
    for (std::size_t i = 0; i < value.size(); ++i) {
        ObjectReader c(value[i], "steering[" + std::to_string(i) + "]", src);
        SteeringChange change;
        if (!c.read("round", change.round))
            src.fail(c.key("round"), "is missing (the round the change applies from)");
        c.read("target_sparsity", change.targetSparsity);
        c.read("method", change.method);
        c.read("method_params", change.methodParams);
        c.read("rounds", change.rounds);
        c.read("schedule", change.schedule);
        c.read("round_epochs", change.roundEpochs);
        c.read("collapse_policy", change.collapsePolicy);
        c.read("locks", change.locks);
        c.read("floors", change.floors);
        c.finish();
        out.push_back(std::move(change));
    }
}

ordered_json steeringJson(const SteeringChange& c)
{
    ordered_json out = {{"round", c.round}};
    if (c.targetSparsity)
        out["target_sparsity"] = *c.targetSparsity;
    if (c.method)
        out["method"] = *c.method;
    if (c.methodParams) {
        out["method_params"] = ordered_json::object();
        for (const auto& [name, value] : *c.methodParams)
            out["method_params"][name] = value;
    }
    if (c.rounds)
        out["rounds"] = *c.rounds;
    if (c.schedule)
        out["schedule"] = *c.schedule;
    if (c.roundEpochs)
        out["round_epochs"] = *c.roundEpochs;
    if (c.collapsePolicy)
        out["collapse_policy"] = *c.collapsePolicy;
    if (!c.locks.empty())
        out["locks"] = c.locks;
    if (!c.floors.empty())
        out["floors"] = c.floors;
    return out;
}

ordered_json trainJson(const TrainSettings& t)
{
    const ordered_json schedule = {{"type", t.lrSchedule.type},
                                   {"step", t.lrSchedule.step},
                                   {"gamma", t.lrSchedule.gamma},
                                   {"milestones", t.lrSchedule.milestones}};
    return {{"epochs", t.epochs},   {"batch", t.batch},       {"optimizer", t.optimizer},
            {"lr", t.lr},           {"momentum", t.momentum}, {"nesterov", t.nesterov},
            {"weight_decay", t.weightDecay}, {"lr_schedule", schedule}};
}

} // namespace

void applyRecipeOverride(json& root, const std::string& override, RecipeSource& source)
{
    const auto eq = override.find('=');
    if (eq == std::string::npos)
        source.failGeneral("override \"" + override + "\" is not of the form key=value");
    const std::string key = override.substr(0, eq);
    const std::string valueText = override.substr(eq + 1);

    std::vector<std::string> path;
    for (std::size_t start = 0;;) {
        const auto dot = key.find('.', start);
        path.push_back(key.substr(start, dot - start));
        if (dot == std::string::npos)
            break;
        start = dot + 1;
    }
    // Layer and parameter names contain dots: everything after the map's key is one name.
    if (path.size() > 2 && (path[0] == "floors" || path[0] == "floor_weights" || path[0] == "method_params"))
        path = {path[0], key.substr(path[0].size() + 1)};
    for (const auto& part : path)
        if (part.empty())
            source.failGeneral("override \"" + override + "\" has an empty key part");

    json value = json::parse(valueText, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded())
        value = valueText; // not JSON: a bare word such as snip or a path

    json* node = &root;
    std::string walked;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        walked += (walked.empty() ? "" : ".") + path[i];
        json& child = (*node)[path[i]];
        if (child.is_null())
            child = json::object();
        else if (!child.is_object())
            source.failGeneral(walked + " is not an object, so override \"" + override + "\" cannot set " + key);
        node = &child;
    }
    (*node)[path.back()] = std::move(value);
    source.noteOverride(key, override);
}

Recipe recipeFromJson(const json& root, const RecipeSource& src)
{
    Recipe r;
    ObjectReader top(root, "", src);
    if (const json* j = top.take("model")) {
        ObjectReader m(*j, "model", src);
        m.read("name", r.model.name);
        m.read("width_multiplier", r.model.widthMultiplier);
        m.read("weights", r.model.weights);
        m.read("masks", r.model.masks);
        m.finish();
    }
    if (const json* j = top.take("data")) {
        ObjectReader d(*j, "data", src);
        d.read("name", r.data.name);
        if (!d.read("root", r.data.root))
            r.data.root = defaultDataRoot(r.data.name);
        d.read("train_limit", r.data.trainLimit);
        d.read("validation", r.data.validation);
        d.finish();
    }
    top.read("method", r.method);
    top.read("method_params", r.methodParams);
    if (const json* j = top.take("channels")) {
        ObjectReader c(*j, "channels", src);
        c.read("method", r.channels.method);
        c.read("fraction", r.channels.fraction);
        c.read("allocation", r.channels.allocation);
        c.read("round_to", r.channels.roundTo);
        c.read("penalty", r.channels.penalty);
        c.read("samples", r.channels.samples);
        c.finish();
    }
    top.read("target_sparsity", r.targetSparsity);
    top.read("rounds", r.rounds);
    top.read("schedule", r.schedule);
    top.read("allocation", r.allocation);
    top.read("collapse_policy", r.collapsePolicy);
    top.read("exclude", r.exclude);
    top.read("locks", r.locks);
    top.read("floors", r.floors);
    top.read("floor_weights", r.floorWeights);
    if (const json* j = top.take("train"))
        readTrain(*j, "train", r.train, src);
    // Pretraining inherits every training setting it does not name, except the epoch count.
    r.pretrain = r.train;
    r.pretrain.epochs = 0;
    if (const json* j = top.take("pretrain"))
        readTrain(*j, "pretrain", r.pretrain, src);
    top.read("round_epochs", r.roundEpochs);
    if (const json* j = top.take("scoring")) {
        ObjectReader s(*j, "scoring", src);
        s.read("samples", r.scoring.samples);
        s.read("file_order", r.scoring.fileOrder);
        s.finish();
    }
    top.read("seed", r.seed);
    top.read("threads", r.threads);
    top.read("micro_batches", r.microBatches);
    if (const json* j = top.take("steering"))
        readSteering(*j, r.steering, src);
    top.finish();
    return r;
}

ordered_json recipeToJsonValue(const Recipe& r)
{
    ordered_json out;
    out["model"] = {{"name", r.model.name}, {"width_multiplier", r.model.widthMultiplier}};
    // Only when set, so that recipes without an import read as before.
    if (!r.model.weights.empty())
        out["model"]["weights"] = r.model.weights;
    if (!r.model.masks.empty())
        out["model"]["masks"] = r.model.masks;
    out["data"] = {{"name", r.data.name},
                   {"root", r.data.root},
                   {"train_limit", r.data.trainLimit ? ordered_json(*r.data.trainLimit) : ordered_json(nullptr)},
                   {"validation", r.data.validation}};
    out["method"] = r.method;
    out["method_params"] = ordered_json::object();
    for (const auto& [name, value] : r.methodParams)
        out["method_params"][name] = value;
    // Only when set, so that recipes without a channel cut read as before.
    if (r.channels.enabled())
        out["channels"] = {{"method", r.channels.method},         {"fraction", r.channels.fraction},
                           {"allocation", r.channels.allocation}, {"round_to", r.channels.roundTo},
                           {"penalty", r.channels.penalty},       {"samples", r.channels.samples}};
    out["target_sparsity"] = r.targetSparsity;
    out["rounds"] = r.rounds;
    out["schedule"] = r.schedule;
    out["allocation"] = r.allocation;
    out["collapse_policy"] = r.collapsePolicy;
    out["exclude"] = r.exclude;
    out["locks"] = r.locks;
    out["floors"] = ordered_json::object();
    for (const auto& [layer, density] : r.floors)
        out["floors"][layer] = density;
    out["floor_weights"] = ordered_json::object();
    for (const auto& [layer, count] : r.floorWeights)
        out["floor_weights"][layer] = count;
    out["pretrain"] = trainJson(r.pretrain);
    out["train"] = trainJson(r.train);
    out["round_epochs"] = r.roundEpochs;
    out["scoring"] = {{"samples", r.scoring.samples}, {"file_order", r.scoring.fileOrder}};
    out["seed"] = r.seed;
    out["threads"] = r.threads;
    out["micro_batches"] = r.microBatches;
    out["steering"] = ordered_json::array();
    for (const auto& change : r.steering)
        out["steering"].push_back(steeringJson(change));
    return out;
}

} // namespace espalier::core
