#pragma once

#include "app/gui/recipesection.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace espalier::app {

/// How far and how the network is pruned: target sparsity (shown in %), rounds and the training
/// between them, schedule, allocation, collapse policy and the seed. Lives in: GUI thread.
class PruningSection : public RecipeSection {
    Q_OBJECT
public:
    explicit PruningSection(QWidget* parent = nullptr);

    void setRecipe(const core::Recipe& recipe) override;
    void applyTo(core::Recipe& recipe) const override;
    QWidget* revealField(const std::string& key) override;
    [[nodiscard]] std::optional<FieldError> inputError() const override;

private:
    QDoubleSpinBox* m_target;
    QSpinBox* m_rounds;
    QSpinBox* m_roundEpochs;
    QComboBox* m_schedule;
    QComboBox* m_allocation;
    QComboBox* m_collapse;
    QLineEdit* m_seed;
};

} // namespace espalier::app
