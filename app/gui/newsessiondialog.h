#pragma once

#include <string>

#include <QDialog>
#include <QList>
#include <QPointer>

#include "espalier/core/recipe.h"

class QDialogButtonBox;
class QLabel;
class QMimeData;

namespace espalier::app {

class ModelSection;
class RecipeSection;

/// "New session": a form that builds a core::Recipe (model, dataset, method and its parameters,
/// pruning, training, seed). OK checks the form with the core's own validator (recipeToJson, then
/// parseRecipe) and that the model file and dataset folder exist; on an error it marks the field the
/// message names, shows the message below the form and stays open. Recipe keys without a field
/// (exclude, locks, floors, floor_weights, scoring, threads) pass through from setRecipe unchanged.
/// Dropping a .pt/.pth file anywhere on the dialog selects it as the model. Lives in: GUI thread.
class NewSessionDialog : public QDialog {
    Q_OBJECT
public:
    /// The dynamic property set on the field an error names; the style sheet draws it red.
    static constexpr const char* kInvalidProperty = "invalid";

    explicit NewSessionDialog(QWidget* parent = nullptr);

    /// Fills the form from `recipe` and clears any error shown.
    void setRecipe(const core::Recipe& recipe);
    /// The recipe the form describes (not validated; accept() only closes on a valid one).
    [[nodiscard]] core::Recipe recipe() const;

    /// What OK checks; marks the first bad field and shows the message. True when the form is valid.
    bool validate();
    /// The error shown below the form ("" when there is none).
    [[nodiscard]] QString errorText() const;
    /// Selects `path` as the TorchScript model when it names a .pt/.pth file; false otherwise.
    bool selectModelFile(const QString& path);

public Q_SLOTS:
    void accept() override;

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    /// Takes model-file drops from child inputs, which would otherwise paste the path as text.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showError(const std::string& key, QString message);
    void clearError();
    /// The first .pt/.pth local file among the drag's URLs, or "".
    static QString modelFileIn(const QMimeData* mime);
    /// Handles a drag or drop event that may carry a model file; true when it did.
    bool handleModelDrag(QEvent* event);

    core::Recipe m_base; ///< the recipe last set: keys without a field come from here
    ModelSection* m_model;
    QList<RecipeSection*> m_sections;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
    QPointer<QWidget> m_marked;
};

} // namespace espalier::app
