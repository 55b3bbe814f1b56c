#pragma once
// Internal: conversion between Recipe and its JSON form (docs/recipes.md). Kept out of the public
// header so that nlohmann_json stays a private dependency of espalier_core.

#include <string>

#include <nlohmann/json.hpp>

#include "espalier/core/recipe.h"
#include "reciperules.h"

namespace espalier::core {

/// Applies one "dotted.key=value" override to `root`, creating intermediate objects. The value is
/// JSON if it parses as JSON, else a string. Under floors and method_params the rest of the key is
/// one name, so "floors.fc1.weight=0.1" sets the floor of layer "fc1.weight".
void applyRecipeOverride(nlohmann::json& root, const std::string& override, RecipeSource& source);

/// Converts a recipe object, checking key names and value types (not ranges: see checkRecipe).
/// Keys not given keep the Recipe defaults, except that pretrain inherits train's values.
Recipe recipeFromJson(const nlohmann::json& root, const RecipeSource& source);

/// Every key of `recipe`, in the order of docs/recipes.md.
nlohmann::ordered_json recipeToJsonValue(const Recipe& recipe);

} // namespace espalier::core
