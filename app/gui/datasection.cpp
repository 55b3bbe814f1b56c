#include "app/gui/datasection.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>

#include "app/gui/numberedit.h"
#include "app/gui/recipechoices.h"

namespace espalier::app {
namespace {

bool isHdf5(const QString& dataset) { return dataset == QLatin1String("hdf5"); }
bool isSynthetic(const QString& dataset) { return dataset.startsWith(QLatin1String("synthetic")); }

} // namespace

DataSection::DataSection(QWidget* parent)
    : RecipeSection(tr("Dataset"), parent), m_dataset(new QComboBox(this)), m_root(new QLineEdit(this)),
      m_browse(new QPushButton(tr("Browse…"), this)), m_trainLimit(new QLineEdit(this)),
      m_validation(new NumberEdit(this))
{
    m_dataset->setObjectName(QStringLiteral("datasetCombo"));
    m_dataset->setToolTip(tr("The dataset to train, score and evaluate on (data.name)"));
    recipechoices::addChoices(m_dataset, recipechoices::datasets());
    m_root->setObjectName(QStringLiteral("dataRootEdit"));
    m_root->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("/usr/share/datasets/fashion-mnist")) + 12);
    m_root->setToolTip(tr("Folder holding the dataset files, or the .h5 file for hdf5 (data.root); "
                          "not used by synthetic"));
    m_browse->setObjectName(QStringLiteral("dataBrowseButton"));
    m_browse->setToolTip(tr("Choose the dataset folder (the .h5 file for hdf5)"));
    m_trainLimit->setObjectName(QStringLiteral("trainLimitEdit"));
    m_trainLimit->setPlaceholderText(tr("all samples"));
    m_trainLimit->setToolTip(tr("Use only the first N training samples; empty = all (data.train_limit, ≥ 1)"));
    // Digits only: "no limit" is the empty field, and 18 digits always fit an int64.
    m_trainLimit->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,18}")), m_trainLimit));
    m_validation->setObjectName(QStringLiteral("validationEdit"));
    m_validation->setToolTip(tr("Fraction of the training set held out for validation, in [0, 1) "
                                "(data.validation)"));

    auto* rootRow = new QHBoxLayout;
    rootRow->addWidget(m_root, 1);
    rootRow->addWidget(m_browse);
    auto* form = new QFormLayout(this);
    form->addRow(tr("&Name"), m_dataset);
    auto* rootLabel = new QLabel(tr("&Folder"), this);
    rootLabel->setBuddy(m_root);
    form->addRow(rootLabel, rootRow);
    form->addRow(tr("Train &limit"), m_trainLimit);
    form->addRow(tr("&Validation fraction"), m_validation);

    connect(m_dataset, &QComboBox::currentTextChanged, this, &DataSection::onDatasetChanged);
    connect(m_browse, &QPushButton::clicked, this, &DataSection::browse);
    setRecipe(core::Recipe{});
}

void DataSection::setRecipe(const core::Recipe& recipe)
{
    const QString name = QString::fromStdString(recipe.data.name);
    {
        const QSignalBlocker blocker(m_dataset); // the recipe's root wins over the name's default
        m_dataset->setCurrentText(name);
    }
    m_previousDataset = m_dataset->currentText();
    m_root->setText(QString::fromStdString(recipe.data.root));
    m_trainLimit->setText(recipe.data.trainLimit ? QString::number(*recipe.data.trainLimit) : QString());
    m_validation->setValue(recipe.data.validation);
    onDatasetChanged(m_dataset->currentText());
}

void DataSection::applyTo(core::Recipe& recipe) const
{
    recipe.data.name = m_dataset->currentText().toStdString();
    recipe.data.root = m_root->text().trimmed().toStdString();
    const QString limit = m_trainLimit->text().trimmed();
    recipe.data.trainLimit.reset();
    if (!limit.isEmpty())
        recipe.data.trainLimit = limit.toLongLong();
    recipe.data.validation = m_validation->value();
}

QWidget* DataSection::revealField(const std::string& key)
{
    if (key == "data.name")
        return m_dataset;
    if (key == "data.root")
        return m_root;
    if (key == "data.train_limit")
        return m_trainLimit;
    if (key == "data.validation")
        return m_validation;
    return nullptr;
}

std::optional<FieldError> DataSection::inputError() const
{
    if (!m_trainLimit->hasAcceptableInput())
        return FieldError{"data.train_limit", tr("data.train_limit must be empty or a whole number ≥ 1")};
    return std::nullopt;
}

std::optional<FieldError> DataSection::fileError() const
{
    const QString dataset = m_dataset->currentText();
    const QString root = m_root->text().trimmed();
    if (isSynthetic(dataset))
        return std::nullopt;
    if (isHdf5(dataset) && !QFileInfo(root).isFile())
        return FieldError{"data.root", tr("data.root: the HDF5 file %1 does not exist").arg(root)};
    if (!isHdf5(dataset) && !QFileInfo(root).isDir())
        return FieldError{"data.root", root.isEmpty() ? tr("data.root: choose the folder that holds %1").arg(dataset)
                                                      : tr("data.root: the folder %1 does not exist").arg(root)};
    return std::nullopt;
}

void DataSection::onDatasetChanged(const QString& dataset)
{
    // Follow the new dataset's default folder unless the user chose a folder of their own.
    const QString root = m_root->text().trimmed();
    if (dataset != m_previousDataset
        && (root.isEmpty() || root == recipechoices::defaultDataRoot(m_previousDataset)))
        m_root->setText(recipechoices::defaultDataRoot(dataset));
    m_previousDataset = dataset;
    const bool synthetic = isSynthetic(dataset);
    m_root->setEnabled(!synthetic);
    m_browse->setEnabled(!synthetic);
    m_root->setPlaceholderText(isHdf5(dataset) ? tr("data.h5") : synthetic ? tr("not used") : tr("folder"));
}

void DataSection::browse()
{
    const QString current = m_root->text().trimmed();
    const QString path = isHdf5(m_dataset->currentText())
                             ? QFileDialog::getOpenFileName(this, tr("Choose the HDF5 dataset"), current,
                                                            tr("HDF5 (*.h5 *.hdf5);;All files (*)"))
                             : QFileDialog::getExistingDirectory(this, tr("Choose the dataset folder"), current);
    if (!path.isEmpty())
        m_root->setText(path);
}

} // namespace espalier::app
