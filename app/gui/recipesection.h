#pragma once

#include <optional>
#include <string>

#include <QGroupBox>

#include "espalier/core/recipe.h"

namespace espalier::app {

/// A problem the form finds before the core sees the recipe: text that cannot become the value
/// (a seed that is not an integer), or a file that does not exist.
struct FieldError {
    std::string key; ///< the recipe key ("seed", "model.name"), used to find the field
    QString message; ///< for the error label, naming the key
};

/// One group of the New session form. Each section fills its fields from a recipe, writes them back
/// and finds the field that holds a recipe key, so the dialog can mark the field the core's
/// validator names. Lives in: GUI thread.
class RecipeSection : public QGroupBox {
    Q_OBJECT
public:
    using QGroupBox::QGroupBox;

    virtual void setRecipe(const core::Recipe& recipe) = 0;
    /// Writes the section's fields into `recipe`, leaving every other key as it is.
    virtual void applyTo(core::Recipe& recipe) const = 0;
    /// The input that holds `key` (dotted, without "[i]"; pretrain.* other than pretrain.epochs
    /// arrives as train.*), brought into view; nullptr when this section has no such field.
    virtual QWidget* revealField(const std::string& key) = 0;
    /// A field whose text cannot be written into a recipe, if any.
    [[nodiscard]] virtual std::optional<FieldError> inputError() const { return std::nullopt; }
    /// A file or folder the section names that does not exist (checked after the core's validator).
    [[nodiscard]] virtual std::optional<FieldError> fileError() const { return std::nullopt; }
};

} // namespace espalier::app
