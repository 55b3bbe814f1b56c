#include "widgets/recipeview.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QStringList>

#include "widgets/format.h"

namespace espalier::widgets {
namespace {

struct Field {
    const char* key;
    const char* label;
};

constexpr Field kFields[] = {
    {"model", QT_TRANSLATE_NOOP("espalier::widgets::RecipeView", "Model")},
    {"data", QT_TRANSLATE_NOOP("espalier::widgets::RecipeView", "Data")},
    {"method", QT_TRANSLATE_NOOP("espalier::widgets::RecipeView", "Method")},
    {"target", QT_TRANSLATE_NOOP("espalier::widgets::RecipeView", "Target sparsity")},
    {"schedule", QT_TRANSLATE_NOOP("espalier::widgets::RecipeView", "Rounds")},
    {"allocation", QT_TRANSLATE_NOOP("espalier::widgets::RecipeView", "Allocation")},
    {"pretrain", QT_TRANSLATE_NOOP("espalier::widgets::RecipeView", "Pretraining")},
    {"train", QT_TRANSLATE_NOOP("espalier::widgets::RecipeView", "Training")},
    {"seed", QT_TRANSLATE_NOOP("espalier::widgets::RecipeView", "Seed")},
};

QString trainingText(const core::TrainSettings& train)
{
    if (train.epochs == 0)
        return RecipeView::tr("none");
    return RecipeView::tr("%1 epochs, batch %2, %3 lr %4").arg(train.epochs).arg(train.batch)
        .arg(QString::fromStdString(train.optimizer)).arg(train.lr);
}

} // namespace

RecipeView::RecipeView(QWidget* parent) : QWidget(parent), m_form(new QFormLayout(this)), m_source(new QLabel(this))
{
    m_source->setObjectName(QStringLiteral("recipeSource"));
    m_source->setWordWrap(true);
    m_form->addRow(tr("Recipe"), m_source);
    for (const Field& field : kFields) {
        auto* value = new QLabel(this);
        value->setObjectName(QStringLiteral("recipe_%1").arg(QLatin1String(field.key)));
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_form->addRow(tr(field.label), value);
    }
    clear(tr("none loaded"));
}

void RecipeView::setRecipe(const core::Recipe& recipe, const QString& source)
{
    m_source->setText(source.isEmpty() ? tr("(unsaved)") : QFileInfo(source).fileName());
    m_source->setToolTip(source);
    setField(QStringLiteral("model"), QString::fromStdString(recipe.model.name));
    QString data = QString::fromStdString(recipe.data.name);
    if (recipe.data.trainLimit)
        data += tr(", first %1 training samples").arg(formatCount(*recipe.data.trainLimit));
    if (recipe.data.validation > 0.0)
        data += tr(", %1 for validation").arg(formatPercent(recipe.data.validation, 0));
    setField(QStringLiteral("data"), data);
    if (auto* label = findChild<QLabel*>(QStringLiteral("recipe_data")))
        label->setToolTip(recipe.data.name.starts_with("synthetic") ? QString() : QString::fromStdString(recipe.data.root));
    setField(QStringLiteral("method"), QString::fromStdString(recipe.method));
    setField(QStringLiteral("target"), formatPercent(recipe.targetSparsity));
    setField(QStringLiteral("schedule"), recipe.rounds == 1
                                              ? tr("1 (single shot)")
                                              : tr("%1, %2").arg(recipe.rounds).arg(QString::fromStdString(recipe.schedule)));
    setField(QStringLiteral("allocation"), tr("%1, collapse: %2").arg(QString::fromStdString(recipe.allocation),
                                                                      QString::fromStdString(recipe.collapsePolicy)));
    setField(QStringLiteral("pretrain"), trainingText(recipe.pretrain));
    setField(QStringLiteral("train"), trainingText(recipe.train));
    setField(QStringLiteral("seed"), QString::number(recipe.seed));
}

void RecipeView::clear(const QString& reason)
{
    m_source->setText(reason);
    m_source->setToolTip({});
    for (const Field& field : kFields)
        setField(QLatin1String(field.key), QStringLiteral("–"));
}

QString RecipeView::fieldText(const QString& field) const
{
    const auto* label = findChild<QLabel*>(QStringLiteral("recipe_%1").arg(field));
    return label ? label->text() : QString();
}

void RecipeView::setField(const QString& field, const QString& text)
{
    if (auto* label = findChild<QLabel*>(QStringLiteral("recipe_%1").arg(field)))
        label->setText(text);
}

} // namespace espalier::widgets
