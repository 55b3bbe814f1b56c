#pragma once

#include "app/gui/recipesection.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace espalier::app {

/// The channel cut (recipe "channels"): structured pruning at the start of round 1 that removes
/// whole output channels by a criterion, before the method of the Method section prunes what is
/// left ("none" there: the cut alone). Lives in: GUI thread.
class ChannelSection : public RecipeSection {
    Q_OBJECT
public:
    explicit ChannelSection(QWidget* parent = nullptr);

    void setRecipe(const core::Recipe& recipe) override;
    void applyTo(core::Recipe& recipe) const override;
    QWidget* revealField(const std::string& key) override;

private:
    void updateEnabled();

    QComboBox* m_criterion;
    QDoubleSpinBox* m_fraction;
    QComboBox* m_allocation;
    QSpinBox* m_roundTo;
    QDoubleSpinBox* m_penalty;
};

} // namespace espalier::app
