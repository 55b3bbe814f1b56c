// Sweep files and cell planning (loadSweepSpec, selectSweepCells, planSweep).
#include "espalier/core/sweep.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "espalier/core/errors.h"
#include "reciperules.h"

namespace espalier::core {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string readText(const std::string& path, const std::string& what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot read " + what + " " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

[[noreturn]] void badKey(const std::string& source, const std::string& key, const std::string& expected)
{
    throw InputError(source + ": " + key + " must be " + expected);
}

void checkSparsity(double s, const std::string& where)
{
    if (!(s > 0.0 && s < 1.0))
        throw InputError(where + ": sparsity " + std::to_string(s) + " is not in (0, 1)");
}

// {"train.epochs": 5} → {"train.epochs=5"}: the same override strings --set takes.
std::vector<std::string> overridesOf(const json& object, const std::string& source, const std::string& key)
{
    if (!object.is_object())
        badKey(source, key, "an object of \"recipe.key\": value");
    std::vector<std::string> out;
    for (const auto& [name, value] : object.items())
        out.push_back(name + "=" + value.dump());
    return out;
}

SweepMethod methodOf(const json& entry, const std::string& source, const fs::path& folder, std::size_t index,
                     const std::vector<std::string>& globalSets)
{
    const std::string key = "sweep.methods[" + std::to_string(index) + "]";
    if (!entry.is_object())
        badKey(source, key, "an object with \"recipe\" (a file or an object), \"label\", \"set\", \"by_sparsity\"");
    for (const auto& [name, value] : entry.items())
        if (name != "label" && name != "recipe" && name != "set" && name != "by_sparsity")
            throw InputError(source + ": unknown key " + key + "." + name + " (label, recipe, set, by_sparsity)");
    if (!entry.contains("recipe"))
        throw InputError(source + ": " + key + ".recipe is missing");
    std::vector<std::string> sets = globalSets;
    if (entry.contains("set")) {
        const auto own = overridesOf(entry.at("set"), source, key + ".set");
        sets.insert(sets.end(), own.begin(), own.end());
    }
    SweepMethod method;
    const json& recipe = entry.at("recipe");
    if (recipe.is_string()) {
        const fs::path file = fs::path(recipe.get<std::string>()).is_absolute() ? fs::path(recipe.get<std::string>())
                                                                                 : folder / recipe.get<std::string>();
        method.recipe = loadRecipeFile(file.lexically_normal().string(), sets);
    } else if (recipe.is_object()) {
        method.recipe = parseRecipe(recipe.dump(), source + " " + key + ".recipe", sets);
    } else {
        badKey(source, key + ".recipe", "a recipe file (relative to the sweep file) or a recipe object");
    }
    method.label = method.recipe.method;
    if (entry.contains("label")) {
        if (!entry.at("label").is_string() || entry.at("label").get<std::string>().empty())
            badKey(source, key + ".label", "a non-empty string");
        method.label = entry.at("label").get<std::string>();
    }
    if (entry.contains("by_sparsity")) {
        const json& by = entry.at("by_sparsity");
        if (!by.is_object())
            badKey(source, key + ".by_sparsity", "an object of \"sparsity\": {\"recipe.key\": value}");
        for (const auto& [text, sets] : by.items()) {
            double s = 0.0;
            try {
                s = std::stod(text);
            } catch (const std::exception&) {
                badKey(source, key + ".by_sparsity." + text, "keyed by a sparsity such as \"0.99\"");
            }
            checkSparsity(s, source + " " + key + ".by_sparsity");
            method.bySparsity.emplace_back(s, overridesOf(sets, source, key + ".by_sparsity." + text));
        }
    }
    return method;
}

template <typename T> std::vector<T> listOf(const json& sweep, const char* name, const std::string& source,
                                            const std::string& expected)
{
    const json& list = sweep.at(name);
    if (!list.is_array() || list.empty())
        badKey(source, std::string("sweep.") + name, "a non-empty array of " + expected);
    std::vector<T> out;
    for (const auto& v : list) {
        if (!v.is_number() || (std::is_integral_v<T> && !v.is_number_unsigned()))
            badKey(source, std::string("sweep.") + name, "a non-empty array of " + expected);
        out.push_back(v.get<T>());
    }
    return out;
}

SweepSpec sweepFromJson(const json& root, const std::string& source, const std::vector<std::string>& overrides)
{
    const json& sweep = root.at("sweep");
    if (!sweep.is_object())
        badKey(source, "sweep", "an object");
    static const std::set<std::string> kKeys = {"name", "sparsities", "seeds", "methods", "share_pretraining", "set"};
    for (const auto& [name, value] : sweep.items())
        if (!kKeys.count(name))
            throw InputError(source + ": unknown key sweep." + name +
                             " (name, sparsities, seeds, methods, share_pretraining, set)");
    for (const auto& [name, value] : root.items())
        if (name != "sweep")
            throw InputError(source + ": unknown key " + name + " (a sweep file holds one object, \"sweep\")");
    SweepSpec spec;
    spec.source = source;
    spec.name = sweep.value("name", fs::path(source).stem().string());
    if (!sweep.contains("sparsities") || !sweep.contains("methods"))
        throw InputError(source + ": sweep.sparsities and sweep.methods are required");
    spec.sparsities = listOf<double>(sweep, "sparsities", source, "sparsities in (0, 1)");
    for (double s : spec.sparsities)
        checkSparsity(s, source + " sweep.sparsities");
    if (sweep.contains("seeds"))
        spec.seeds = listOf<std::uint64_t>(sweep, "seeds", source, "non-negative integers");
    if (sweep.contains("share_pretraining")) {
        if (!sweep.at("share_pretraining").is_boolean())
            badKey(source, "sweep.share_pretraining", "true or false");
        spec.sharePretraining = sweep.at("share_pretraining").get<bool>();
    }
    const auto sets = sweep.contains("set") ? overridesOf(sweep.at("set"), source, "sweep.set") : std::vector<std::string>{};
    const json& methods = sweep.at("methods");
    if (!methods.is_array() || methods.empty())
        badKey(source, "sweep.methods", "a non-empty array");
    const fs::path folder = fs::path(source).parent_path();
    for (std::size_t i = 0; i < methods.size(); ++i)
        spec.methods.push_back(methodOf(methods[i], source, folder, i, sets));
    std::set<std::string> labels;
    for (const auto& m : spec.methods)
        if (!labels.insert(m.label).second)
            throw InputError(source + ": two methods are labelled '" + m.label + "'; give one a \"label\"");
    spec.overrides = overrides;
    return spec;
}

// "99.6" for 0.996, "95" for 0.95: the sparsity in per cent as a folder-name part.
std::string cellNamePercent(double sparsity)
{
    std::ostringstream text;
    text.precision(6);
    text << std::round(sparsity * 1e6) / 1e4;
    return text.str();
}

std::string safeName(const std::string& label)
{
    std::string out;
    for (char c : label)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
    return out;
}

} // namespace

SweepSpec loadSweepSpec(const std::string& path, const std::vector<std::string>& overrides)
{
    const std::string text = readText(path, "sweep file");
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception&) {
        root = json(); // parseRecipe below names the JSON error
    }
    if (root.is_object() && root.contains("sweep"))
        return sweepFromJson(root, path, overrides);
    // A plain recipe: one curve of its own method at its own target and seed.
    SweepSpec spec;
    spec.source = path;
    spec.name = fs::path(path).stem().string();
    SweepMethod method;
    method.recipe = parseRecipe(text, path, overrides);
    method.label = method.recipe.method;
    spec.sparsities = {method.recipe.targetSparsity};
    spec.seeds = {method.recipe.seed};
    spec.methods.push_back(std::move(method));
    spec.overrides = overrides;
    return spec;
}

void selectSweepCells(SweepSpec& spec, const std::vector<std::string>& methods, const std::vector<double>& sparsities,
                      const std::vector<std::uint64_t>& seeds)
{
    if (!methods.empty()) {
        std::vector<SweepMethod> chosen;
        for (const auto& label : methods) {
            const auto found = std::find_if(spec.methods.begin(), spec.methods.end(),
                                            [&](const SweepMethod& m) { return m.label == label; });
            if (found != spec.methods.end()) {
                chosen.push_back(*found);
                continue;
            }
            const auto& names = recipeMethods();
            if (std::find(names.begin(), names.end(), label) == names.end()) {
                std::string known;
                for (const auto& m : spec.methods)
                    known += (known.empty() ? "" : ", ") + m.label;
                throw InputError("--methods: '" + label + "' is neither a method of " + spec.source + " (" + known +
                                 ") nor a method name (" + ruleFor("method") + ")");
            }
            SweepMethod swapped = spec.methods.front();
            swapped.label = label;
            swapped.recipe.method = label;
            swapped.recipe.methodParams.clear(); // the first method's parameters mean nothing to another
            swapped.bySparsity.clear();
            chosen.push_back(std::move(swapped));
        }
        spec.methods = std::move(chosen);
    }
    if (!sparsities.empty()) {
        for (double s : sparsities)
            checkSparsity(s, "--sparsities");
        spec.sparsities = sparsities;
    }
    if (!seeds.empty())
        spec.seeds = seeds;
}

std::vector<SweepCell> planSweep(const SweepSpec& spec)
{
    std::vector<SweepCell> cells;
    for (std::uint64_t seed : spec.seeds) {
        for (double sparsity : spec.sparsities) {
            for (const auto& method : spec.methods) {
                SweepCell cell;
                cell.method = method.label;
                cell.sparsity = sparsity;
                cell.seed = seed;
                cell.name = safeName(method.label) + "-" + cellNamePercent(sparsity) + "-seed" + std::to_string(seed);
                std::vector<std::string> sets = {"target_sparsity=" + json(sparsity).dump(),
                                                 "seed=" + std::to_string(seed)};
                for (const auto& [s, extra] : method.bySparsity)
                    if (std::abs(s - sparsity) < 1e-9)
                        sets.insert(sets.end(), extra.begin(), extra.end());
                sets.insert(sets.end(), spec.overrides.begin(), spec.overrides.end());
                cell.recipe = parseRecipe(recipeToJson(method.recipe), spec.source + " (cell " + cell.name + ")", sets);
                cells.push_back(std::move(cell));
            }
        }
    }
    std::set<std::string> names;
    for (const auto& c : cells)
        if (!names.insert(c.name).second)
            throw InputError(spec.source + ": cell " + c.name + " appears twice (repeated sparsity, seed or label)");
    return cells;
}

} // namespace espalier::core
