#include "app/gui/channelsection.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>

#include "app/gui/recipechoices.h"

namespace espalier::app {

ChannelSection::ChannelSection(QWidget* parent)
    : RecipeSection(tr("Channels (structured)"), parent), m_criterion(new QComboBox(this)),
      m_fraction(new QDoubleSpinBox(this)), m_allocation(new QComboBox(this)), m_roundTo(new QSpinBox(this)),
      m_penalty(new QDoubleSpinBox(this))
{
    m_criterion->setObjectName(QStringLiteral("channelMethodCombo"));
    m_criterion->addItem(tr("no channel cut"), QString());
    recipechoices::addChoices(m_criterion, recipechoices::channelMethods());
    m_criterion->setToolTip(tr("Removes whole output channels at the start of round 1, with their BatchNorm "
                               "entries and the inputs of the next layer (channels.method)"));
    m_fraction->setObjectName(QStringLiteral("channelFractionSpin"));
    m_fraction->setRange(0.0, 100.0);
    m_fraction->setDecimals(1);
    m_fraction->setSuffix(QStringLiteral(" %"));
    m_fraction->setToolTip(tr("Share of the prunable channels removed (channels.fraction)"));
    m_allocation->setObjectName(QStringLiteral("channelAllocationCombo"));
    recipechoices::addChoices(m_allocation, recipechoices::allocations());
    m_allocation->setToolTip(tr("The fraction in every layer, or one ranking over all layers (channels.allocation)"));
    m_roundTo->setObjectName(QStringLiteral("channelRoundToSpin"));
    m_roundTo->setRange(0, 4096);
    m_roundTo->setToolTip(tr("Kept channels per layer rounded up to a multiple, e.g. 8 (channels.round_to)"));
    m_penalty->setObjectName(QStringLiteral("channelPenaltySpin"));
    m_penalty->setRange(0.0, 1.0);
    m_penalty->setDecimals(6);
    m_penalty->setSingleStep(1e-5);
    m_penalty->setToolTip(tr("Slimming: λ of the L1 penalty on BatchNorm γ during pretraining (channels.penalty)"));

    auto* form = new QFormLayout(this);
    form->addRow(tr("C&riterion"), m_criterion);
    form->addRow(tr("Channels &removed"), m_fraction);
    form->addRow(tr("Allocatio&n"), m_allocation);
    form->addRow(tr("Round kept &to"), m_roundTo);
    form->addRow(tr("γ &penalty"), m_penalty);
    connect(m_criterion, &QComboBox::currentIndexChanged, this, [this] { updateEnabled(); });
    setRecipe(core::Recipe{});
}

void ChannelSection::updateEnabled()
{
    const QString criterion = m_criterion->currentData().toString();
    const bool cut = !criterion.isEmpty();
    m_fraction->setEnabled(cut);
    m_allocation->setEnabled(cut);
    m_roundTo->setEnabled(cut);
    m_penalty->setEnabled(criterion == QLatin1String("slimming"));
}

void ChannelSection::setRecipe(const core::Recipe& recipe)
{
    const auto& c = recipe.channels;
    const int index = m_criterion->findData(QString::fromStdString(c.method));
    m_criterion->setCurrentIndex(index < 0 ? 0 : index);
    m_fraction->setValue(c.fraction * 100.0);
    m_allocation->setCurrentText(QString::fromStdString(c.allocation));
    m_roundTo->setValue(c.roundTo);
    m_penalty->setValue(c.penalty);
    updateEnabled();
}

void ChannelSection::applyTo(core::Recipe& recipe) const
{
    auto& c = recipe.channels;
    c.method = m_criterion->currentData().toString().toStdString();
    c.fraction = m_fraction->value() / 100.0;
    c.allocation = m_allocation->currentText().toStdString();
    c.roundTo = m_roundTo->value();
    c.penalty = m_penalty->value();
}

QWidget* ChannelSection::revealField(const std::string& key)
{
    if (key == "channels.method" || key == "channels")
        return m_criterion;
    if (key == "channels.fraction")
        return m_fraction;
    if (key == "channels.allocation")
        return m_allocation;
    if (key == "channels.round_to")
        return m_roundTo;
    if (key == "channels.penalty")
        return m_penalty;
    return nullptr;
}

} // namespace espalier::app
