#pragma once

#include "app/gui/recipesection.h"

class QComboBox;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace espalier::app {

class NumberEdit;

/// The model: a zoo architecture with its width multiplier, or a TorchScript file (typed, browsed
/// or dropped on the dialog). Recipe key: model.name holds either. Lives in: GUI thread.
class ModelSection : public RecipeSection {
    Q_OBJECT
public:
    explicit ModelSection(QWidget* parent = nullptr);

    void setRecipe(const core::Recipe& recipe) override;
    void applyTo(core::Recipe& recipe) const override;
    QWidget* revealField(const std::string& key) override;
    [[nodiscard]] std::optional<FieldError> fileError() const override;

    /// Switches to "TorchScript file" with `path` (what a drop or Browse… does).
    void setModelFile(const QString& path);
    [[nodiscard]] bool usesModelFile() const;

private:
    void browse();
    void updateEnabled();

    QRadioButton* m_zooRadio;
    QRadioButton* m_fileRadio;
    QComboBox* m_zooCombo;
    NumberEdit* m_width;
    QLineEdit* m_file;
    QPushButton* m_browse;
};

} // namespace espalier::app
