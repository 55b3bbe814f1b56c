#include "app/gui/pruningsection.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSpinBox>

#include "app/gui/recipechoices.h"

namespace espalier::app {
namespace {

constexpr int kPercentDecimals = 3; // 99.999 %: finer than any target in the papers we follow

QComboBox* choiceCombo(const QStringList& choices, QWidget* parent)
{
    auto* combo = new QComboBox(parent);
    recipechoices::addChoices(combo, choices);
    return combo;
}

} // namespace

PruningSection::PruningSection(QWidget* parent)
    : RecipeSection(tr("Pruning"), parent), m_target(new QDoubleSpinBox(this)), m_rounds(new QSpinBox(this)),
      m_roundEpochs(new QSpinBox(this)), m_schedule(choiceCombo(recipechoices::schedules(), this)),
      m_allocation(choiceCombo(recipechoices::allocations(), this)),
      m_collapse(choiceCombo(recipechoices::collapsePolicies(), this)), m_seed(new QLineEdit(this))
{
    // Ranges are wider than the recipe allows (100 %, 0 rounds) on purpose: the core's validator is
    // the one judge of a recipe, and its message names the key.
    m_target->setObjectName(QStringLiteral("targetSparsitySpin"));
    m_target->setRange(0.0, 100.0);
    m_target->setDecimals(kPercentDecimals);
    m_target->setSuffix(QStringLiteral(" %"));
    m_target->setToolTip(tr("Final fraction of prunable weights that are zero by mask, below 100 % "
                            "(target_sparsity)"));
    m_rounds->setObjectName(QStringLiteral("roundsSpin"));
    m_rounds->setRange(0, 10000);
    m_rounds->setToolTip(tr("Number of prune rounds to reach the target, ≥ 1 (rounds); "
                            "SynFlow uses about 100, ESPN exactly 1"));
    m_roundEpochs->setObjectName(QStringLiteral("roundEpochsSpin"));
    m_roundEpochs->setRange(0, 100000);
    m_roundEpochs->setToolTip(tr("Training epochs between intermediate rounds (round_epochs)"));
    m_schedule->setObjectName(QStringLiteral("scheduleCombo"));
    m_schedule->setToolTip(tr("How the sparsity of the intermediate rounds grows (schedule)"));
    m_allocation->setObjectName(QStringLiteral("allocationCombo"));
    m_allocation->setToolTip(tr("One top-k over all layers, or the same sparsity in every layer (allocation)"));
    m_collapse->setObjectName(QStringLiteral("collapsePolicyCombo"));
    m_collapse->setToolTip(tr("What to do when a step would empty a layer or cut every input→output path "
                              "(collapse_policy)"));
    m_seed->setObjectName(QStringLiteral("seedEdit"));
    m_seed->setToolTip(tr("Seed of every random choice: init, shuffling, random pruning (seed, 0 … 2⁶⁴−1)"));
    m_seed->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,20}")), m_seed));

    auto* form = new QFormLayout(this);
    form->addRow(tr("&Target sparsity"), m_target);
    form->addRow(tr("R&ounds"), m_rounds);
    form->addRow(tr("Epochs &between rounds"), m_roundEpochs);
    form->addRow(tr("&Schedule"), m_schedule);
    form->addRow(tr("&Allocation"), m_allocation);
    form->addRow(tr("&Collapse policy"), m_collapse);
    form->addRow(tr("S&eed"), m_seed);
    setRecipe(core::Recipe{});
}

void PruningSection::setRecipe(const core::Recipe& recipe)
{
    m_target->setValue(recipe.targetSparsity * 100.0);
    m_rounds->setValue(recipe.rounds);
    m_roundEpochs->setValue(recipe.roundEpochs);
    m_schedule->setCurrentText(QString::fromStdString(recipe.schedule));
    m_allocation->setCurrentText(QString::fromStdString(recipe.allocation));
    // "proceed" is the documented alias of "allow", the name the combo offers.
    m_collapse->setCurrentText(recipe.collapsePolicy == "proceed" ? QStringLiteral("allow")
                                                                  : QString::fromStdString(recipe.collapsePolicy));
    m_seed->setText(QString::number(recipe.seed));
}

void PruningSection::applyTo(core::Recipe& recipe) const
{
    // value() is already rounded to kPercentDecimals, so 98 % reads back as exactly 0.98.
    recipe.targetSparsity = m_target->value() / 100.0;
    recipe.rounds = m_rounds->value();
    recipe.roundEpochs = m_roundEpochs->value();
    recipe.schedule = m_schedule->currentText().toStdString();
    recipe.allocation = m_allocation->currentText().toStdString();
    recipe.collapsePolicy = m_collapse->currentText().toStdString();
    bool ok = false;
    const qulonglong seed = m_seed->text().trimmed().toULongLong(&ok);
    if (ok)
        recipe.seed = seed;
}

QWidget* PruningSection::revealField(const std::string& key)
{
    if (key == "target_sparsity")
        return m_target;
    if (key == "rounds")
        return m_rounds;
    if (key == "round_epochs")
        return m_roundEpochs;
    if (key == "schedule")
        return m_schedule;
    if (key == "allocation")
        return m_allocation;
    if (key == "collapse_policy")
        return m_collapse;
    if (key == "seed")
        return m_seed;
    return nullptr;
}

std::optional<FieldError> PruningSection::inputError() const
{
    bool ok = false;
    m_seed->text().trimmed().toULongLong(&ok);
    if (!ok)
        return FieldError{"seed", tr("seed must be a whole number in 0 … 18446744073709551615")};
    return std::nullopt;
}

} // namespace espalier::app
