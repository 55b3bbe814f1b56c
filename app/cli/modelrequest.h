#pragma once

#include <string>

#include "espalier/core/recipe.h"

namespace espalier::cli {

/// The model and data of a command that works on a saved model (eval, sensitivity), parsed and
/// checked like a recipe so that defaults (the dataset's folder) and errors are the recipe's.
/// `what` names the options in messages ("eval options").
core::Recipe modelRequest(const std::string& model, const std::string& weights, const std::string& data,
                          const std::string& dataRoot, const std::string& what);

} // namespace espalier::cli
