#include "espalier/core/recipe.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "espalier/core/errors.h"
#include "recipejson.h"
#include "reciperules.h"

namespace espalier::core {

namespace {

/// nlohmann's message without its "[json.exception.parse_error.101] " tag: the position text.
std::string positionText(const nlohmann::json::exception& e)
{
    const std::string what = e.what();
    const auto tagEnd = what.find("] ");
    return tagEnd == std::string::npos ? what : what.substr(tagEnd + 2);
}

} // namespace

Recipe parseRecipe(const std::string& jsonText, const std::string& sourceName,
                   const std::vector<std::string>& overrides)
{
    RecipeSource source(sourceName);
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(jsonText);
    } catch (const nlohmann::json::exception& e) {
        source.failGeneral("invalid JSON: " + positionText(e));
    }
    if (!root.is_object())
        source.badValue("", root.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    for (const auto& override : overrides)
        applyRecipeOverride(root, override, source);
    Recipe recipe = recipeFromJson(root, source);
    checkRecipe(recipe, source);
    return recipe;
}

Recipe loadRecipeFile(const std::string& path, const std::vector<std::string>& overrides)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError("cannot read recipe " + path + ": it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot read recipe " + path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw InputError("cannot read recipe " + path + ": " + std::strerror(errno));
    return parseRecipe(text.str(), path, overrides);
}

std::string recipeToJson(const Recipe& recipe)
{
    return recipeToJsonValue(recipe).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

std::string firstDifference(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b, const std::string& key)
{
    if (a.is_object() && b.is_object()) {
        for (const auto& [name, value] : a.items()) {
            const auto child = key.empty() ? name : key + "." + name;
            if (!b.contains(name))
                return child;
            if (auto inner = firstDifference(value, b.at(name), child); !inner.empty())
                return inner;
        }
        for (const auto& [name, value] : b.items())
            if (!a.contains(name))
                return key.empty() ? name : key + "." + name;
        return {};
    }
    return a == b ? std::string() : (key.empty() ? std::string("(recipe)") : key);
}

} // namespace

std::string firstRecipeDifference(const Recipe& a, const Recipe& b)
{
    return firstDifference(recipeToJsonValue(a), recipeToJsonValue(b), "");
}

void validateRecipe(const Recipe& recipe, const std::string& sourceName)
{
    checkRecipe(recipe, RecipeSource(sourceName));
}

} // namespace espalier::core
