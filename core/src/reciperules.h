#pragma once
// Internal: the allowed values and ranges of recipe keys, in one place, shared by the JSON reader
// (type errors) and by validateRecipe (range errors), so both describe a key the same way.

#include <map>
#include <string>
#include <vector>

#include "espalier/core/recipe.h"

namespace espalier::core {

/// Method names a recipe may name (including methods whose scorers come later).
const std::vector<std::string>& recipeMethods();
const std::vector<std::string>& recipeChannelMethods();
const std::vector<std::string>& recipeDatasets();
const std::vector<std::string>& recipeSchedules();
const std::vector<std::string>& recipeAllocations();
const std::vector<std::string>& recipeCollapsePolicies();
const std::vector<std::string>& recipeOptimizers();
const std::vector<std::string>& recipeLrSchedules();

/// What a key may hold, as a phrase ("a number in [0, 1)"). `key` is a full dotted key; pretrain.*
/// shares train.*'s rules, floors.* and method_params.* share one rule each, "[i]" is ignored.
std::string ruleFor(const std::string& key);

/// The data root used when a recipe names a dataset but no root ("" when there is no default).
std::string defaultDataRoot(const std::string& dataName);

/// Where a recipe came from: names the source (and the override that set a key) in every error.
class RecipeSource {
public:
    explicit RecipeSource(std::string name);

    const std::string& name() const { return m_name; }
    /// Remembers that `key` (dotted) was set by the override text `override`.
    void noteOverride(const std::string& key, const std::string& override);

    /// Throws InputError "<source>: <key> <what>", mentioning the override that set the key.
    [[noreturn]] void fail(const std::string& key, const std::string& what) const;
    /// Throws InputError "<source>: <key> must be <rule> (got <got>)".
    [[noreturn]] void badValue(const std::string& key, const std::string& got) const;
    /// Throws InputError "<source>: <message>" for errors not about one key.
    [[noreturn]] void failGeneral(const std::string& message) const;

private:
    std::string m_name;
    std::map<std::string, std::string> m_overrides; ///< dotted key -> override text
};

/// The range checks behind validateRecipe; the first invalid value throws via `source`.
void checkRecipe(const Recipe& recipe, const RecipeSource& source);

} // namespace espalier::core
