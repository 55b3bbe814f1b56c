#pragma once

#include "app/gui/recipesection.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace espalier::app {

class NumberEdit;

/// Training after the final round (train.*) and the number of dense pretraining epochs.
/// Pretraining uses these settings too, as a recipe without its own pretrain settings does; a recipe
/// whose pretrain settings differ from train's keeps them (only pretrain.epochs is edited here).
/// Lives in: GUI thread.
class TrainingSection : public RecipeSection {
    Q_OBJECT
public:
    explicit TrainingSection(QWidget* parent = nullptr);

    void setRecipe(const core::Recipe& recipe) override;
    void applyTo(core::Recipe& recipe) const override;
    QWidget* revealField(const std::string& key) override;
    [[nodiscard]] std::optional<FieldError> inputError() const override;

private:
    [[nodiscard]] std::optional<std::vector<int>> milestones() const;
    void updatePretrainTip();

    QSpinBox* m_pretrainEpochs;
    QSpinBox* m_epochs;
    QSpinBox* m_batch;
    QComboBox* m_optimizer;
    NumberEdit* m_lr;
    NumberEdit* m_momentum;
    QCheckBox* m_nesterov;
    NumberEdit* m_weightDecay;
    QComboBox* m_lrSchedule;
    QSpinBox* m_lrStep;
    NumberEdit* m_lrGamma;
    QLineEdit* m_milestones;
    core::TrainSettings m_pretrain;   ///< the recipe's own pretrain settings (epochs aside)
    bool m_pretrainFollowsTrain = true; ///< pretrain = train's settings, as in a recipe that omits them
};

} // namespace espalier::app
