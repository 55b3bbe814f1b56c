#include "app/gui/modelsection.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>

#include "app/gui/numberedit.h"
#include "app/gui/recipechoices.h"

namespace espalier::app {

ModelSection::ModelSection(QWidget* parent)
    : RecipeSection(tr("Model"), parent), m_zooRadio(new QRadioButton(tr("&Zoo model"), this)),
      m_fileRadio(new QRadioButton(tr("&TorchScript file"), this)), m_zooCombo(new QComboBox(this)),
      m_width(new NumberEdit(this)), m_file(new QLineEdit(this)), m_browse(new QPushButton(tr("Browse…"), this))
{
    m_zooRadio->setObjectName(QStringLiteral("modelZooRadio"));
    m_zooRadio->setToolTip(tr("Build one of Espalier's architectures (recipe key model.name)"));
    m_fileRadio->setObjectName(QStringLiteral("modelFileRadio"));
    m_fileRadio->setToolTip(tr("Prune your own network, saved with torch.jit.save (recipe key model.name)"));
    m_zooCombo->setObjectName(QStringLiteral("modelZooCombo"));
    m_zooCombo->setToolTip(tr("The architecture to build (model.name)"));
    recipechoices::addChoices(m_zooCombo, recipechoices::zooModels());
    m_width->setObjectName(QStringLiteral("widthMultiplierEdit"));
    m_width->setToolTip(tr("Channel width factor, ResNets only (model.width_multiplier, > 0); "
                           "ESPN's ResNet-32 uses 2"));
    m_file->setObjectName(QStringLiteral("modelFileEdit"));
    m_file->setPlaceholderText(tr("model.pt"));
    m_file->setToolTip(tr("Path of a TorchScript file (.pt or .pth). "
                          "Dropping such a file anywhere on this dialog selects it."));
    m_browse->setObjectName(QStringLiteral("modelBrowseButton"));
    m_browse->setToolTip(tr("Choose a TorchScript file"));
    auto* hint = new QLabel(tr("Tip: drop a .pt or .pth file anywhere on this dialog."), this);
    hint->setEnabled(false); // greyed: a hint, not a field

    auto* widthLabel = new QLabel(tr("&Width ×"), this);
    widthLabel->setBuddy(m_width);
    auto* grid = new QGridLayout(this);
    grid->addWidget(m_zooRadio, 0, 0);
    grid->addWidget(m_zooCombo, 0, 1);
    grid->addWidget(widthLabel, 0, 2, Qt::AlignRight);
    grid->addWidget(m_width, 0, 3);
    grid->addWidget(m_fileRadio, 1, 0);
    grid->addWidget(m_file, 1, 1, 1, 2);
    grid->addWidget(m_browse, 1, 3);
    grid->addWidget(hint, 2, 0, 1, 4);
    grid->setColumnStretch(1, 1);

    connect(m_zooRadio, &QRadioButton::toggled, this, &ModelSection::updateEnabled);
    connect(m_browse, &QPushButton::clicked, this, &ModelSection::browse);
    m_zooRadio->setChecked(true);
    m_width->setValue(1.0);
    updateEnabled();
}

void ModelSection::setRecipe(const core::Recipe& recipe)
{
    const QString name = QString::fromStdString(recipe.model.name);
    m_width->setValue(recipe.model.widthMultiplier);
    if (recipechoices::zooModels().contains(name)) {
        m_zooCombo->setCurrentText(name);
        m_zooRadio->setChecked(true);
    } else {
        setModelFile(name);
    }
    updateEnabled();
}

void ModelSection::applyTo(core::Recipe& recipe) const
{
    recipe.model.name = usesModelFile() ? m_file->text().trimmed().toStdString() : m_zooCombo->currentText().toStdString();
    recipe.model.widthMultiplier = m_width->value();
}

QWidget* ModelSection::revealField(const std::string& key)
{
    if (key == "model.name")
        return usesModelFile() ? static_cast<QWidget*>(m_file) : m_zooCombo;
    if (key == "model.width_multiplier")
        return m_width;
    return nullptr;
}

std::optional<FieldError> ModelSection::fileError() const
{
    if (!usesModelFile())
        return std::nullopt;
    const QString path = m_file->text().trimmed();
    if (!QFileInfo(path).isFile())
        return FieldError{"model.name", tr("model.name: the TorchScript file %1 does not exist").arg(path)};
    return std::nullopt;
}

void ModelSection::setModelFile(const QString& path)
{
    m_file->setText(path);
    m_fileRadio->setChecked(true);
}

bool ModelSection::usesModelFile() const { return m_fileRadio->isChecked(); }

void ModelSection::browse()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a TorchScript model"), m_file->text(),
                                                      tr("TorchScript (*.pt *.pth);;All files (*)"));
    if (!path.isEmpty())
        setModelFile(path);
}

void ModelSection::updateEnabled()
{
    const bool zoo = m_zooRadio->isChecked();
    m_zooCombo->setEnabled(zoo);
    // Enabled for every zoo model (only ResNets use it): the validator may name it whatever the model.
    m_width->setEnabled(zoo);
    m_file->setEnabled(!zoo);
    m_browse->setEnabled(!zoo);
}

} // namespace espalier::app
