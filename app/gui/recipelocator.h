#pragma once

#include <QString>
#include <QStringList>

namespace espalier::app {

/// Finds the recipe the window opens with. ESPALIER_RECIPE names it outright (used even when the
/// file is missing, so the error names it); otherwise the first existing of
/// $ESPALIER_RECIPES/default.json, <exe dir>/../share/espalier/recipes/default.json (installed)
/// and ESPALIER_SOURCE_RECIPES/default.json (the source tree, only for a program run from its build
/// tree: an installed one never looks there).
class RecipeLocator {
public:
    static constexpr const char* kFileName = "default.json";

    /// The folders searched for default.json, in order of preference.
    [[nodiscard]] static QStringList searchPaths();
    /// The default recipe's path, or an empty string when none exists.
    [[nodiscard]] static QString defaultRecipePath();
};

} // namespace espalier::app
