#pragma once

#include "app/gui/recipesection.h"

class QComboBox;
class QLineEdit;
class QPushButton;

namespace espalier::app {

class NumberEdit;

/// The dataset: its name, folder (or .h5 file), an optional limit on the training samples and the
/// validation fraction. Recipe keys data.*. Lives in: GUI thread.
class DataSection : public RecipeSection {
    Q_OBJECT
public:
    explicit DataSection(QWidget* parent = nullptr);

    void setRecipe(const core::Recipe& recipe) override;
    void applyTo(core::Recipe& recipe) const override;
    QWidget* revealField(const std::string& key) override;
    [[nodiscard]] std::optional<FieldError> inputError() const override;
    [[nodiscard]] std::optional<FieldError> fileError() const override;

private:
    void onDatasetChanged(const QString& dataset);
    void browse();

    QComboBox* m_dataset;
    QLineEdit* m_root;
    QPushButton* m_browse;
    QLineEdit* m_trainLimit;
    NumberEdit* m_validation;
    QString m_previousDataset; ///< to tell whether the root still is that dataset's default
};

} // namespace espalier::app
