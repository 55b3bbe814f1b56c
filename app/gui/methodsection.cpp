#include "app/gui/methodsection.h"

#include <limits>

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLocale>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/gui/recipechoices.h"

namespace espalier::app {
namespace {

constexpr int kNameColumn = 0;
constexpr int kValueColumn = 1;

QString numberText(double value) { return QLocale::c().toString(value, 'g', QLocale::FloatingPointShortest); }

} // namespace

MethodSection::MethodSection(QWidget* parent)
    : RecipeSection(tr("Method"), parent), m_method(new QComboBox(this)), m_params(new QTableWidget(0, 2, this)),
      m_add(new QPushButton(tr("&Add"), this)), m_remove(new QPushButton(tr("&Remove"), this)),
      m_defaults(new QPushButton(tr("&Defaults"), this))
{
    m_method->setObjectName(QStringLiteral("methodCombo"));
    m_method->setToolTip(tr("How weights are scored and pruned (method); see docs/methods.md"));
    recipechoices::addChoices(m_method, recipechoices::methods());
    m_params->setObjectName(QStringLiteral("methodParamsTable"));
    m_params->setToolTip(tr("Method-specific settings (method_params): name → number. "
                            "Double-click a cell to edit it."));
    m_params->setHorizontalHeaderLabels({tr("Parameter"), tr("Value")});
    m_params->horizontalHeader()->setSectionResizeMode(kNameColumn, QHeaderView::Stretch);
    m_params->horizontalHeader()->setSectionResizeMode(kValueColumn, QHeaderView::Stretch);
    m_params->verticalHeader()->hide();
    m_params->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_params->setSelectionMode(QAbstractItemView::SingleSelection);
    m_add->setObjectName(QStringLiteral("addParamButton"));
    m_add->setToolTip(tr("Add a parameter row"));
    m_remove->setObjectName(QStringLiteral("removeParamButton"));
    m_remove->setToolTip(tr("Remove the selected parameter"));
    m_defaults->setObjectName(QStringLiteral("defaultParamsButton"));
    m_defaults->setToolTip(tr("Replace the table with this method's documented parameters and defaults"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    buttons->addWidget(m_defaults);
    auto* form = new QFormLayout;
    form->addRow(tr("&Method"), m_method);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_params, 1);
    layout->addLayout(buttons);

    connect(m_method, &QComboBox::currentTextChanged, this, &MethodSection::resetParams);
    connect(m_add, &QPushButton::clicked, this, &MethodSection::addParam);
    connect(m_remove, &QPushButton::clicked, this, &MethodSection::removeParam);
    connect(m_defaults, &QPushButton::clicked, this, &MethodSection::resetParams);
    setRecipe(core::Recipe{});
}

void MethodSection::setRecipe(const core::Recipe& recipe)
{
    {
        const QSignalBlocker blocker(m_method); // the recipe's parameters, not the defaults
        m_method->setCurrentText(QString::fromStdString(recipe.method));
    }
    setParams(recipe.methodParams);
}

void MethodSection::applyTo(core::Recipe& recipe) const
{
    recipe.method = m_method->currentText().toStdString();
    recipe.methodParams.clear();
    for (int row = 0; row < m_params->rowCount(); ++row) {
        const QTableWidgetItem* value = m_params->item(row, kValueColumn);
        bool ok = false;
        const double number = value ? QLocale::c().toDouble(value->text().trimmed(), &ok) : 0.0;
        // NaN for text that is not a number: the core's validator names method_params.<name>.
        recipe.methodParams[nameAt(row).toStdString()] = ok ? number : std::numeric_limits<double>::quiet_NaN();
    }
}

QWidget* MethodSection::revealField(const std::string& key)
{
    if (key == "method")
        return m_method;
    if (key != "method_params" && !key.starts_with("method_params."))
        return nullptr;
    const QString name = key == "method_params" ? QString() : QString::fromStdString(key.substr(14));
    for (int row = 0; row < m_params->rowCount(); ++row) {
        if (nameAt(row) == name) {
            m_params->selectRow(row);
            m_params->scrollToItem(m_params->item(row, kNameColumn));
            break;
        }
    }
    return m_params;
}

std::optional<FieldError> MethodSection::inputError() const
{
    // A map holds a name once; a second row would silently replace the first.
    QSet<QString> seen;
    for (int row = 0; row < m_params->rowCount(); ++row) {
        const QString name = nameAt(row);
        const std::string key = "method_params." + name.toStdString();
        if (seen.contains(name))
            return FieldError{key, tr("method_params.%1 is given twice; remove one row").arg(name)};
        seen.insert(name);
        const QTableWidgetItem* value = m_params->item(row, kValueColumn);
        const QString text = value ? value->text().trimmed() : QString();
        bool ok = false;
        QLocale::c().toDouble(text, &ok);
        if (!ok) // the core would say "(got null)"; the text typed says more
            return FieldError{key, tr("method_params.%1 must be a number (got \"%2\")").arg(name, text)};
    }
    return std::nullopt;
}

void MethodSection::resetParams()
{
    std::map<std::string, double> params;
    for (const auto& param : recipechoices::methodParams(m_method->currentText()))
        params[param.name] = param.value;
    setParams(params);
}

void MethodSection::setParams(const std::map<std::string, double>& params)
{
    m_params->setRowCount(0);
    for (const auto& [name, value] : params)
        addRow(QString::fromStdString(name), numberText(value));
}

void MethodSection::addRow(const QString& name, const QString& value)
{
    const int row = m_params->rowCount();
    m_params->insertRow(row);
    const QString meaning = recipechoices::paramMeaning(m_method->currentText(), name);
    auto* nameItem = new QTableWidgetItem(name);
    nameItem->setToolTip(meaning.isEmpty() ? tr("Parameter name (method_params.<name>)") : meaning);
    auto* valueItem = new QTableWidgetItem(value);
    valueItem->setToolTip(meaning.isEmpty() ? tr("A finite number (C locale: 0.001 or 1e-3)")
                                            : meaning + tr(" — a number (0.001 or 1e-3)"));
    m_params->setItem(row, kNameColumn, nameItem);
    m_params->setItem(row, kValueColumn, valueItem);
}

void MethodSection::addParam()
{
    addRow(QString(), QStringLiteral("0"));
    const int row = m_params->rowCount() - 1;
    m_params->setCurrentCell(row, kNameColumn);
    m_params->editItem(m_params->item(row, kNameColumn));
}

void MethodSection::removeParam()
{
    const int row = m_params->currentRow();
    if (row >= 0)
        m_params->removeRow(row);
}

QString MethodSection::nameAt(int row) const
{
    const QTableWidgetItem* item = m_params->item(row, kNameColumn);
    return item ? item->text().trimmed() : QString();
}

} // namespace espalier::app
