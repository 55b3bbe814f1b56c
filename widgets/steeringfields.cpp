#include "widgets/steeringfields.h"

#include <array>
#include <cmath>
#include <utility>

#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>

namespace espalier::widgets {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("espalier::widgets::SteeringPanel", text); }

// "proceed" is the recipe's alias of "allow"; the combo offers only one of them.
std::string canonicalPolicy(const std::string& policy) { return policy == "proceed" ? "allow" : policy; }

QComboBox* makeCombo(QWidget* parent, const QString& objectName, const QString& toolTip,
                     const QList<std::pair<QString, QString>>& items)
{
    auto* combo = new QComboBox(parent);
    combo->setObjectName(objectName);
    combo->setToolTip(toolTip);
    for (const auto& [text, itemTip] : items) {
        combo->addItem(text);
        combo->setItemData(combo->count() - 1, itemTip, Qt::ToolTipRole);
    }
    return combo;
}

QSpinBox* makeSpin(QWidget* parent, const QString& objectName, const QString& toolTip, int minimum)
{
    auto* spin = new QSpinBox(parent);
    spin->setObjectName(objectName);
    spin->setToolTip(toolTip);
    spin->setRange(minimum, 100000);
    return spin;
}

void setCurrentText(QComboBox* combo, const QString& text)
{
    if (combo->findText(text) < 0)
        combo->addItem(text); // a value this panel does not offer still shows as it is
    combo->setCurrentIndex(combo->findText(text));
}

} // namespace

SteeringFields::SteeringFields(QWidget* parent)
    : m_target(new QDoubleSpinBox(parent)),
      m_method(makeCombo(parent, QStringLiteral("methodCombo"),
                         tr("How the next rounds score weights (method). Switching clears the old method's "
                            "parameters unless you type new ones."),
                         {{QStringLiteral("magnitude"), tr("|W| of the current weights")},
                          {QStringLiteral("random"), tr("uniform random scores")},
                          {QStringLiteral("snip"), tr("|∂L/∂w ⊙ w| on one scoring batch")},
                          {QStringLiteral("grasp"), tr("Gradient Signal Preservation")},
                          {QStringLiteral("synflow"), tr("Iterative Synaptic Flow (data-free)")},
                          {QStringLiteral("taylor"), tr("first-order Taylor importance (∂L/∂w ⊙ w)²")}})),
      m_params(new QLineEdit(parent)),
      m_rounds(makeSpin(parent, QStringLiteral("roundsSpin"), tr("Total rounds of the session (rounds)"), 1)),
      m_schedule(makeCombo(parent, QStringLiteral("scheduleCombo"),
                           tr("How the sparsity of the remaining rounds approaches the target (schedule)"),
                           {{QStringLiteral("exponential"), tr("the same fraction of the remaining weights each round")},
                            {QStringLiteral("linear"), tr("sparsity grows by the same amount each round")}})),
      m_roundEpochs(makeSpin(parent, QStringLiteral("roundEpochsSpin"),
                             tr("Training epochs after each intermediate round (round_epochs)"), 0)),
      m_policy(makeCombo(parent, QStringLiteral("collapsePolicyCombo"),
                         tr("What happens when a round would prune a layer away or cut every input→output path "
                            "(collapse_policy)"),
                         {{QStringLiteral("block"), tr("refuse a round that would collapse a layer, and pause")},
                          {QStringLiteral("clamp"), tr("keep at least one weight per layer, and each floor")},
                          {QStringLiteral("allow"), tr("apply the round anyway and record a warning")}}))
{
    m_target->setObjectName(QStringLiteral("targetSpin"));
    m_target->setDecimals(3);
    m_target->setRange(0.0, 99.999); // the core wants a fraction in [0, 1)
    m_target->setSuffix(QStringLiteral(" %"));
    m_target->setToolTip(tr("Final sparsity of the session (target_sparsity): the fraction of prunable weights "
                            "that are zero after the last round"));
    m_params->setObjectName(QStringLiteral("methodParamsEdit"));
    m_params->setPlaceholderText(tr("name=value, … (empty: the method's defaults)"));
    m_params->setToolTip(tr("The method's parameters (method_params) as name=value pairs separated by commas, "
                            "e.g. samples=100, temperature=200"));
}

QStringList SteeringFields::switchableMethods()
{
    return {QStringLiteral("magnitude"), QStringLiteral("random"), QStringLiteral("snip"),
            QStringLiteral("grasp"),     QStringLiteral("synflow"), QStringLiteral("taylor")};
}

QString SteeringFields::key(Field field)
{
    static const char* const kKeys[FieldCount] = {"target_sparsity", "method", "method_params", "rounds",
                                                  "schedule", "round_epochs", "collapse_policy"};
    return field >= 0 && field < FieldCount ? QString::fromLatin1(kKeys[field]) : QString();
}

SteeringFields::Field SteeringFields::fieldOf(const QString& key)
{
    static const QRegularExpression kPrefix(QStringLiteral("^steering(\\[\\d+\\])?\\."));
    QString bare = key;
    bare.remove(kPrefix);
    if (bare.startsWith(QLatin1String("method_params.")))
        return ParamsField;
    for (int i = 0; i < FieldCount; ++i)
        if (SteeringFields::key(Field(i)) == bare)
            return Field(i);
    return FieldCount;
}

QString SteeringFields::label(Field field)
{
    static const char* const kLabels[FieldCount] = {
        QT_TRANSLATE_NOOP("espalier::widgets::SteeringPanel", "&Target sparsity"),
        QT_TRANSLATE_NOOP("espalier::widgets::SteeringPanel", "&Method"),
        QT_TRANSLATE_NOOP("espalier::widgets::SteeringPanel", "&Parameters"),
        QT_TRANSLATE_NOOP("espalier::widgets::SteeringPanel", "&Rounds"),
        QT_TRANSLATE_NOOP("espalier::widgets::SteeringPanel", "Sc&hedule"),
        QT_TRANSLATE_NOOP("espalier::widgets::SteeringPanel", "&Epochs between rounds"),
        QT_TRANSLATE_NOOP("espalier::widgets::SteeringPanel", "&Collapse policy")};
    return field >= 0 && field < FieldCount ? tr(kLabels[field]) : QString();
}

QWidget* SteeringFields::widget(Field field) const
{
    const std::array<QWidget*, FieldCount> widgets{m_target,   m_method,      m_params, m_rounds,
                                                   m_schedule, m_roundEpochs, m_policy};
    return widgets[std::size_t(field)];
}

void SteeringFields::show(Field field, const core::Recipe& recipe)
{
    switch (field) {
    case TargetField: m_target->setValue(recipe.targetSparsity * 100.0); break;
    case MethodField: setCurrentText(m_method, QString::fromStdString(recipe.method)); break;
    case ParamsField: {
        const QString text = differs(MethodField, recipe) ? QString() : formatMethodParams(recipe.methodParams);
        if (m_params->text() != text) { // an unconditional setText would move the cursor at 30 Hz
            m_params->setText(text);
            m_params->setCursorPosition(0); // the start of a long list, not its end
        }
        break;
    }
    case RoundsField: m_rounds->setValue(recipe.rounds); break;
    case ScheduleField: setCurrentText(m_schedule, QString::fromStdString(recipe.schedule)); break;
    case RoundEpochsField: m_roundEpochs->setValue(recipe.roundEpochs); break;
    case PolicyField: setCurrentText(m_policy, QString::fromStdString(canonicalPolicy(recipe.collapsePolicy))); break;
    case FieldCount: break;
    }
}

bool SteeringFields::differs(Field field, const core::Recipe& recipe) const
{
    switch (field) {
    case TargetField: return std::abs(m_target->value() / 100.0 - recipe.targetSparsity) > 5e-6;
    case MethodField: return m_method->currentText().toStdString() != recipe.method;
    case ParamsField: {
        const ParsedMethodParams parsed = params();
        const auto& base = differs(MethodField, recipe) ? std::map<std::string, double>{} : recipe.methodParams;
        return !parsed.ok() || parsed.params != base;
    }
    case RoundsField: return m_rounds->value() != recipe.rounds;
    case ScheduleField: return m_schedule->currentText().toStdString() != recipe.schedule;
    case RoundEpochsField: return m_roundEpochs->value() != recipe.roundEpochs;
    case PolicyField: return m_policy->currentText().toStdString() != canonicalPolicy(recipe.collapsePolicy);
    case FieldCount: break;
    }
    return false;
}

bool SteeringFields::addTo(Field field, core::SteeringChange& change) const
{
    switch (field) {
    case TargetField: change.targetSparsity = m_target->value() / 100.0; break;
    case MethodField: change.method = m_method->currentText().toStdString(); break;
    case ParamsField: {
        ParsedMethodParams parsed = params();
        if (!parsed.ok())
            return false;
        change.methodParams = std::move(parsed.params);
        break;
    }
    case RoundsField: change.rounds = m_rounds->value(); break;
    case ScheduleField: change.schedule = m_schedule->currentText().toStdString(); break;
    case RoundEpochsField: change.roundEpochs = m_roundEpochs->value(); break;
    case PolicyField: change.collapsePolicy = m_policy->currentText().toStdString(); break;
    case FieldCount: break;
    }
    return true;
}

ParsedMethodParams SteeringFields::params() const { return parseMethodParams(m_params->text()); }

} // namespace espalier::widgets
