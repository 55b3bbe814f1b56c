#pragma once

#include <QWidget>

#include "espalier/core/recipe.h"

class QFormLayout;
class QLabel;

namespace espalier::widgets {

/// Read-only summary of a recipe: model, data, method, target, schedule, training and seed.
/// Editing recipes belongs to a dialog; this shows what Start will run. Lives in: GUI thread.
class RecipeView : public QWidget {
    Q_OBJECT
public:
    explicit RecipeView(QWidget* parent = nullptr);

    /// Shows `recipe`, loaded from `source` (a path, or empty for one made in the window).
    void setRecipe(const core::Recipe& recipe, const QString& source);
    /// Shows that there is no recipe and why (e.g. "no default recipe found").
    void clear(const QString& reason);
    /// The value shown for `field` ("model", "data", "method", "target", ...), for tests.
    [[nodiscard]] QString fieldText(const QString& field) const;

private:
    void setField(const QString& field, const QString& text);

    QFormLayout* m_form;
    QLabel* m_source;
};

} // namespace espalier::widgets
