#pragma once

#include "app/gui/recipesection.h"

class QComboBox;
class QPushButton;
class QTableWidget;

namespace espalier::app {

/// The pruning method and its parameters as an editable name → value table. Choosing a method
/// fills the table with that method's documented defaults; a recipe's own parameters are shown as
/// they are. Recipe keys method and method_params.*. Lives in: GUI thread.
class MethodSection : public RecipeSection {
    Q_OBJECT
public:
    explicit MethodSection(QWidget* parent = nullptr);

    void setRecipe(const core::Recipe& recipe) override;
    void applyTo(core::Recipe& recipe) const override;
    QWidget* revealField(const std::string& key) override;
    [[nodiscard]] std::optional<FieldError> inputError() const override;

    /// Replaces the table with the current method's documented parameters and defaults.
    void resetParams();

private:
    void setParams(const std::map<std::string, double>& params);
    void addRow(const QString& name, const QString& value);
    void addParam();
    void removeParam();
    [[nodiscard]] QString nameAt(int row) const;

    QComboBox* m_method;
    QTableWidget* m_params;
    QPushButton* m_add;
    QPushButton* m_remove;
    QPushButton* m_defaults;
};

} // namespace espalier::app
