#include "app/gui/channelsection.h"
#include "app/gui/newsessiondialog.h"

#include <QDialogButtonBox>
#include <QDropEvent>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QRegularExpression>
#include <QStyle>
#include <QUrl>
#include <QVBoxLayout>

#include "app/gui/datasection.h"
#include "app/gui/methodsection.h"
#include "app/gui/modelsection.h"
#include "app/gui/pruningsection.h"
#include "app/gui/recipechoices.h"
#include "app/gui/trainingsection.h"
#include "espalier/core/errors.h"

namespace espalier::app {
namespace {

// parseRecipe prefixes every message with the source name; the form strips it again.
constexpr const char* kSource = "form";

/// The key an InputError message starts with, in the form the sections look up: "[i]" dropped, and
/// pretrain.* other than epochs mapped to train.*, whose fields pretraining follows.
std::string fieldKey(const QString& message)
{
    QString key = message.section(QLatin1Char(' '), 0, 0);
    static const QRegularExpression kIndex(QStringLiteral("\\[\\d+\\]"));
    key.remove(kIndex);
    if (key.startsWith(QLatin1String("pretrain.")) && key != QLatin1String("pretrain.epochs"))
        key.replace(0, 8, QStringLiteral("train"));
    return key.toStdString();
}

} // namespace

NewSessionDialog::NewSessionDialog(QWidget* parent)
    : QDialog(parent), m_model(new ModelSection(this)), m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel
                                         | QDialogButtonBox::RestoreDefaults,
                                     this))
{
    setObjectName(QStringLiteral("newSessionDialog"));
    setWindowTitle(tr("New session"));
    setAcceptDrops(true);
    // A border on a spin or combo box makes Qt drop their native arrows: those get a red tint instead.
    setStyleSheet(QStringLiteral("QLineEdit[invalid=\"true\"], QAbstractItemView[invalid=\"true\"]"
                                 " { border: 2px solid #c62828; border-radius: 3px; }"
                                 "QAbstractSpinBox[invalid=\"true\"], QComboBox[invalid=\"true\"]"
                                 " { background-color: #ffcdd2; }"
                                 "QCheckBox[invalid=\"true\"] { color: #c62828; }"
                                 "QLabel#errorLabel { color: #b71c1c; }"));

    auto* data = new DataSection(this);
    auto* method = new MethodSection(this);
    auto* pruning = new PruningSection(this);
    auto* training = new TrainingSection(this);
    auto* channels = new ChannelSection(this);
    m_sections = {m_model, data, method, pruning, training, channels};
    channels->setObjectName(QStringLiteral("channelSection"));
    m_model->setObjectName(QStringLiteral("modelSection"));
    data->setObjectName(QStringLiteral("dataSection"));
    method->setObjectName(QStringLiteral("methodSection"));
    pruning->setObjectName(QStringLiteral("pruningSection"));
    training->setObjectName(QStringLiteral("trainingSection"));

    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setToolTip(tr("Why OK did not start: the field named here is marked red"));
    m_error->hide();
    m_buttons->setObjectName(QStringLiteral("buttonBox"));
    QPushButton* ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setObjectName(QStringLiteral("okButton"));
    ok->setToolTip(tr("Check the settings and use them for a new session"));
    QPushButton* cancel = m_buttons->button(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    cancel->setToolTip(tr("Close without changing anything"));
    QPushButton* defaults = m_buttons->button(QDialogButtonBox::RestoreDefaults);
    defaults->setObjectName(QStringLiteral("restoreDefaultsButton"));
    defaults->setToolTip(tr("Fill the form with the defaults of docs/recipes.md"));

    auto* grid = new QGridLayout;
    grid->addWidget(m_model, 0, 0);
    grid->addWidget(data, 1, 0);
    grid->addWidget(method, 0, 1, 2, 1);
    grid->addWidget(pruning, 2, 0);
    grid->addWidget(training, 2, 1);
    grid->addWidget(channels, 3, 0);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(grid, 1);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewSessionDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &NewSessionDialog::reject);
    connect(defaults, &QPushButton::clicked, this, [this] { setRecipe(core::Recipe{}); });

    const auto children = findChildren<QWidget*>();
    for (QWidget* child : children)
        if (child->acceptDrops())
            child->installEventFilter(this);
    setRecipe(core::Recipe{});
}

void NewSessionDialog::setRecipe(const core::Recipe& recipe)
{
    m_base = recipe;
    for (RecipeSection* section : std::as_const(m_sections))
        section->setRecipe(recipe);
    clearError();
}

core::Recipe NewSessionDialog::recipe() const
{
    core::Recipe recipe = m_base;
    for (const RecipeSection* section : m_sections)
        section->applyTo(recipe);
    return recipe;
}

bool NewSessionDialog::validate()
{
    clearError();
    for (const RecipeSection* section : std::as_const(m_sections)) {
        if (const auto error = section->inputError()) {
            showError(error->key, error->message);
            return false;
        }
    }
    try {
        // The core's own reader and validator: the same rules and messages as a recipe file.
        core::parseRecipe(core::recipeToJson(recipe()), kSource);
    } catch (const core::InputError& error) {
        QString message = QString::fromStdString(error.what());
        const QString prefix = QLatin1String(kSource) + QStringLiteral(": ");
        if (message.startsWith(prefix))
            message.remove(0, prefix.size());
        showError(fieldKey(message), message);
        return false;
    }
    for (const RecipeSection* section : std::as_const(m_sections)) {
        if (const auto error = section->fileError()) {
            showError(error->key, error->message);
            return false;
        }
    }
    return true;
}

QString NewSessionDialog::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

bool NewSessionDialog::selectModelFile(const QString& path)
{
    if (!recipechoices::isTorchScriptFile(path))
        return false;
    m_model->setModelFile(path);
    return true;
}

void NewSessionDialog::accept()
{
    if (validate())
        QDialog::accept();
}

void NewSessionDialog::dragEnterEvent(QDragEnterEvent* event)
{
    if (!handleModelDrag(event))
        QDialog::dragEnterEvent(event);
}

void NewSessionDialog::dragMoveEvent(QDragMoveEvent* event)
{
    if (!handleModelDrag(event))
        QDialog::dragMoveEvent(event);
}

void NewSessionDialog::dropEvent(QDropEvent* event)
{
    if (!handleModelDrag(event))
        QDialog::dropEvent(event);
}

bool NewSessionDialog::eventFilter(QObject* watched, QEvent* event)
{
    switch (event->type()) {
    case QEvent::DragEnter:
    case QEvent::DragMove:
    case QEvent::Drop:
        if (handleModelDrag(event))
            return true;
        break;
    default:
        break;
    }
    return QDialog::eventFilter(watched, event);
}

bool NewSessionDialog::handleModelDrag(QEvent* event)
{
    // DragEnter and DragMove derive from QDropEvent: one check covers all three.
    auto* drop = static_cast<QDropEvent*>(event);
    const QString path = modelFileIn(drop->mimeData());
    if (path.isEmpty())
        return false;
    if (event->type() == QEvent::Drop)
        selectModelFile(path);
    drop->acceptProposedAction();
    return true;
}

QString NewSessionDialog::modelFileIn(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    const auto urls = mime->urls();
    for (const QUrl& url : urls)
        if (url.isLocalFile() && recipechoices::isTorchScriptFile(url.toLocalFile()))
            return url.toLocalFile();
    return {};
}

void NewSessionDialog::showError(const std::string& key, QString message)
{
    QWidget* field = nullptr;
    for (RecipeSection* section : std::as_const(m_sections))
        if ((field = section->revealField(key)))
            break;
    if (field) {
        // A number that did not parse reaches the core as NaN and comes back as "null".
        if (const auto* edit = qobject_cast<QLineEdit*>(field); edit && message.endsWith(QLatin1String("(got null)")))
            message.replace(message.size() - 5, 4, QLatin1Char('"') + edit->text() + QLatin1Char('"'));
        field->setProperty(kInvalidProperty, true);
        field->style()->unpolish(field); // re-evaluate the style sheet's property selector
        field->style()->polish(field);
        field->setFocus(Qt::OtherFocusReason);
        m_marked = field;
    }
    m_error->setText(message);
    m_error->show();
}

void NewSessionDialog::clearError()
{
    if (m_marked) {
        m_marked->setProperty(kInvalidProperty, false);
        m_marked->style()->unpolish(m_marked);
        m_marked->style()->polish(m_marked);
    }
    m_marked = nullptr;
    m_error->clear();
    m_error->hide();
}

} // namespace espalier::app
