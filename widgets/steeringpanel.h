#pragma once

#include <array>
#include <cstddef>

#include <QWidget>

#include "espalier/core/recipe.h"
#include "espalier/core/snapshot.h"
#include "espalier/core/steering.h"
#include "widgets/steeringfields.h"

class QFormLayout;
class QLabel;
class QPushButton;

namespace espalier::widgets {

/// The settings a user may change between rounds: target sparsity, method and its parameters,
/// rounds, schedule, epochs between rounds and collapse policy. Fields the user edits are "dirty"
/// and setSession() leaves them alone until Apply or Reset; Apply emits only the dirty fields that
/// differ from the session. After Apply the values stay on screen until the session reports them
/// (or showError() says the change was refused, which makes them dirty again).
/// Widgets: targetSpin, methodCombo, methodParamsEdit, roundsSpin, scheduleCombo, roundEpochsSpin,
/// collapsePolicyCombo, applyButton, resetButton, paramsErrorLabel, errorLabel, hintLabel.
/// Lives in: GUI thread.
class SteeringPanel : public QWidget {
    Q_OBJECT
public:
    using Field = SteeringFields::Field;
    using enum SteeringFields::Field; // SteeringPanel::TargetField, ...

    explicit SteeringPanel(QWidget* parent = nullptr);

    /// Shows the session's current values in every field the user is not editing. Cheap when
    /// nothing changed, so it may be called for every repaint.
    void setSession(const core::Recipe& current, const core::Snapshot& snapshot);
    /// Editable unless the session finished, failed or was stopped.
    void setEnabledForState(core::SessionState state);
    /// Marks the field of a recipe key the core refused ("target_sparsity", "method_params.x", also
    /// with a "steering." prefix) and shows `message`; an unknown key only shows the message.
    void showError(const QString& field, const QString& message);
    /// What Apply would emit now (empty when nothing differs from the session or the text is bad).
    [[nodiscard]] core::SteeringChange change() const;
    [[nodiscard]] bool isDirty(Field field) const { return m_edit[field] == Edit::Dirty; }

Q_SIGNALS:
    /// Apply was clicked: only the fields the user changed are set.
    void steeringRequested(const core::SteeringChange& change);

private:
    enum class Edit { Clean, Dirty, Pending };

    void apply();
    void reset();
    void userEdited(Field field);
    void showSessionValue(Field field);
    void mark(int field);
    void clearErrors();
    void updateControls();

    SteeringFields m_fields;
    QLabel* m_paramsError;
    QFormLayout* m_form;
    QLabel* m_hint;
    QLabel* m_error;
    QPushButton* m_reset;
    QPushButton* m_apply;
    std::array<QLabel*, FieldCount> m_labels{};
    std::array<Edit, FieldCount> m_edit{};
    core::Recipe m_session;
    std::size_t m_steeringAtApply = 0; // the session's steering count when Apply was clicked
    bool m_hasSession = false;
    bool m_editableState = true;
    int m_marked = -1;      // the Field showError() marked, or -1
    bool m_filling = false; // programmatic changes are not the user's edits
};

} // namespace espalier::widgets
