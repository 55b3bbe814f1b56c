#pragma once

#include <optional>

#include <QString>

#include "espalier/core/recipe.h"

namespace espalier::app {

/// The recipe the window works on and the file it came from. Loading parses and validates with the
/// core (InputError names the file and key); saving writes recipeToJson atomically (QSaveFile),
/// so a failed save never leaves half a recipe under the final name.
class RecipeDocument {
public:
    /// Reads `path`; on error throws core::InputError and keeps the current recipe.
    void load(const QString& path);
    /// Writes the recipe to `path` and makes it the document's file; throws core::InputError.
    void saveAs(const QString& path);
    void setRecipe(const core::Recipe& recipe);

    [[nodiscard]] bool isEmpty() const { return !m_recipe.has_value(); }
    [[nodiscard]] const core::Recipe& recipe() const { return *m_recipe; }
    [[nodiscard]] const QString& path() const { return m_path; }
    /// File name for titles ("default.json"), or "untitled".
    [[nodiscard]] QString displayName() const;

private:
    std::optional<core::Recipe> m_recipe;
    QString m_path;
};

} // namespace espalier::app
