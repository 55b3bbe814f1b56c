#pragma once

#include <QString>
#include <QStringList>

#include "espalier/core/recipe.h"
#include "espalier/core/steering.h"
#include "widgets/methodparamstext.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;
class QWidget;

namespace espalier::widgets {

/// The seven editors of the steering panel (children of `parent`, named targetSpin, methodCombo,
/// methodParamsEdit, roundsSpin, scheduleCombo, roundEpochsSpin, collapsePolicyCombo) and, per
/// field, how it shows a recipe's value, whether it differs from it and what it puts in a
/// SteeringChange. No edit state: that is SteeringPanel's.
class SteeringFields {
public:
    enum Field { TargetField, MethodField, ParamsField, RoundsField, ScheduleField, RoundEpochsField,
                 PolicyField, FieldCount };

    explicit SteeringFields(QWidget* parent);

    /// Methods a session can switch between mid-session (the others run as a whole session).
    static QStringList switchableMethods();
    /// The recipe key of a field ("target_sparsity", "method_params", ...), as the core names it.
    static QString key(Field field);
    /// The field a key the core names in an error belongs to ("method_params.x" and a
    /// "steering." prefix included), or FieldCount.
    static Field fieldOf(const QString& key);
    /// The form label, with a mnemonic.
    static QString label(Field field);

    [[nodiscard]] QWidget* widget(Field field) const;
    /// Shows the recipe's value. Parameters show empty while the method differs from the recipe's
    /// (the core drops the old method's parameters on a switch), so show MethodField first.
    void show(Field field, const core::Recipe& recipe);
    [[nodiscard]] bool differs(Field field, const core::Recipe& recipe) const;
    /// Puts the field's value in `change`; false when the parameter text does not parse.
    bool addTo(Field field, core::SteeringChange& change) const;
    [[nodiscard]] ParsedMethodParams params() const;
    [[nodiscard]] QComboBox* methodCombo() const { return m_method; }

private:
    QDoubleSpinBox* m_target;
    QComboBox* m_method;
    QLineEdit* m_params;
    QSpinBox* m_rounds;
    QComboBox* m_schedule;
    QSpinBox* m_roundEpochs;
    QComboBox* m_policy;
};

} // namespace espalier::widgets
