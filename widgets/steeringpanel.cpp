#include "widgets/steeringpanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QVBoxLayout>

namespace espalier::widgets {
namespace {

constexpr const char* kInvalidProperty = "invalid";

void setInvalid(QWidget* widget, bool invalid)
{
    if (widget->property(kInvalidProperty).toBool() == invalid)
        return;
    widget->setProperty(kInvalidProperty, invalid);
    widget->style()->unpolish(widget); // re-evaluate the style sheet's property selector
    widget->style()->polish(widget);
}

} // namespace

SteeringPanel::SteeringPanel(QWidget* parent)
    : QWidget(parent), m_fields(this), m_paramsError(new QLabel(this)), m_form(new QFormLayout),
      m_hint(new QLabel(tr("Changes apply from the next round whose mask has not been chosen yet."), this)),
      m_error(new QLabel(this)), m_reset(new QPushButton(tr("Re&set"), this)),
      m_apply(new QPushButton(tr("&Apply"), this))
{
    // A border on a spin or combo box makes Qt drop their native arrows: those get a red tint instead.
    setStyleSheet(QStringLiteral("QLineEdit[invalid=\"true\"] { border: 2px solid #c62828; border-radius: 3px; }"
                                 "QAbstractSpinBox[invalid=\"true\"], QComboBox[invalid=\"true\"]"
                                 " { background-color: #ffcdd2; }"
                                 "QLabel#errorLabel, QLabel#paramsErrorLabel { color: #b71c1c; }"));
    m_paramsError->setObjectName(QStringLiteral("paramsErrorLabel"));
    m_paramsError->setWordWrap(true);
    m_paramsError->setTextFormat(Qt::PlainText);
    m_hint->setObjectName(QStringLiteral("hintLabel"));
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_hint->setToolTip(tr("A round whose mask is already chosen finishes as it started"));
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->hide();
    m_reset->setObjectName(QStringLiteral("resetButton"));
    m_reset->setToolTip(tr("Discard your edits and show the session's current values"));
    m_apply->setObjectName(QStringLiteral("applyButton"));
    m_apply->setToolTip(tr("Send the fields you changed (bold) to the session"));

    for (int i = 0; i < FieldCount; ++i) {
        QWidget* editor = m_fields.widget(Field(i));
        auto* label = new QLabel(SteeringFields::label(Field(i)), this);
        label->setBuddy(editor);
        label->setToolTip(editor->toolTip());
        m_labels[std::size_t(i)] = label;
        m_form->addRow(label, editor);
        if (i == ParamsField)
            m_form->addRow(static_cast<QWidget*>(nullptr), m_paramsError); // under the text it is about
    }
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_reset);
    buttons->addWidget(m_apply);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addWidget(m_hint);
    layout->addWidget(m_error);
    layout->addLayout(buttons);
    layout->addStretch(1);

    for (int i = 0; i < FieldCount; ++i) {
        QWidget* editor = m_fields.widget(Field(i));
        const auto edited = [this, i] { userEdited(Field(i)); };
        if (auto* combo = qobject_cast<QComboBox*>(editor))
            connect(combo, &QComboBox::currentIndexChanged, this, edited);
        else if (auto* line = qobject_cast<QLineEdit*>(editor))
            connect(line, &QLineEdit::textChanged, this, edited);
        else if (auto* spin = qobject_cast<QSpinBox*>(editor))
            connect(spin, &QSpinBox::valueChanged, this, edited);
        else if (auto* real = qobject_cast<QDoubleSpinBox*>(editor))
            connect(real, &QDoubleSpinBox::valueChanged, this, edited);
    }
    connect(m_apply, &QPushButton::clicked, this, &SteeringPanel::apply);
    connect(m_reset, &QPushButton::clicked, this, &SteeringPanel::reset);
    for (int i = 0; i < FieldCount; ++i)
        showSessionValue(Field(i));
    updateControls();
}

void SteeringPanel::setSession(const core::Recipe& current, const core::Snapshot& snapshot)
{
    // A change in the recorded steering means the session took (or rolled back) what Apply sent.
    const bool steered = m_hasSession && current.steering.size() != m_steeringAtApply;
    m_session = current;
    m_hasSession = true;
    for (int i = 0; i < FieldCount; ++i) {
        if (m_edit[i] == Edit::Pending && (steered || !m_fields.differs(Field(i), m_session)))
            m_edit[i] = Edit::Clean;
        if (m_edit[i] == Edit::Clean)
            showSessionValue(Field(i));
    }
    QWidget* rounds = m_fields.widget(RoundsField);
    const QString roundsTip = tr("Total rounds of the session (rounds); at least %1, as %2 have started")
                                  .arg(snapshot.round + 1)
                                  .arg(snapshot.round);
    if (rounds->toolTip() != roundsTip) { // this runs for every snapshot; a tooltip change is an event
        rounds->setToolTip(roundsTip);
        m_labels[RoundsField]->setToolTip(roundsTip);
    }
    updateControls();
}

void SteeringPanel::setEnabledForState(core::SessionState state)
{
    using core::SessionState;
    m_editableState = state != SessionState::Finished && state != SessionState::Failed
                      && state != SessionState::Stopped;
    updateControls();
}

void SteeringPanel::showError(const QString& field, const QString& message)
{
    // The core refuses a change as a whole: everything Apply sent is the user's to fix again.
    for (Edit& edit : m_edit)
        if (edit == Edit::Pending)
            edit = Edit::Dirty;
    const Field marked = SteeringFields::fieldOf(field);
    mark(marked == FieldCount ? -1 : int(marked));
    m_error->setText(message);
    m_error->show();
    updateControls();
}

core::SteeringChange SteeringPanel::change() const
{
    core::SteeringChange c;
    for (int i = 0; i < FieldCount; ++i) {
        if (m_edit[i] == Edit::Dirty && m_fields.differs(Field(i), m_session) && !m_fields.addTo(Field(i), c))
            return {}; // half a change is worse than none
    }
    return c;
}

void SteeringPanel::apply()
{
    const core::SteeringChange c = change();
    if (c.empty() || !m_apply->isEnabled())
        return;
    for (int i = 0; i < FieldCount; ++i) {
        const bool sent = m_edit[i] == Edit::Dirty && m_fields.differs(Field(i), m_session);
        m_edit[i] = sent ? Edit::Pending : Edit::Clean;
        if (!sent)
            showSessionValue(Field(i)); // edits that matched the session anyway
    }
    m_steeringAtApply = m_session.steering.size();
    clearErrors();
    updateControls();
    Q_EMIT steeringRequested(c);
}

void SteeringPanel::reset()
{
    m_edit.fill(Edit::Clean);
    clearErrors();
    for (int i = 0; i < FieldCount; ++i)
        showSessionValue(Field(i));
    updateControls();
}

void SteeringPanel::userEdited(Field field)
{
    if (m_filling)
        return;
    m_edit[field] = Edit::Dirty;
    if (m_marked == field)
        clearErrors();
    // A new method starts without the old one's parameters (the core clears them), unless typed.
    if (field == MethodField && m_edit[ParamsField] == Edit::Clean)
        showSessionValue(ParamsField);
    updateControls();
}

void SteeringPanel::showSessionValue(Field field)
{
    m_filling = true;
    m_fields.show(field, m_session);
    m_filling = false;
}

void SteeringPanel::mark(int field)
{
    if (m_marked >= 0)
        setInvalid(m_fields.widget(Field(m_marked)), false);
    m_marked = field;
    if (m_marked >= 0)
        setInvalid(m_fields.widget(Field(m_marked)), true);
}

void SteeringPanel::clearErrors()
{
    mark(-1);
    m_error->clear();
    m_error->hide();
}

void SteeringPanel::updateControls()
{
    const bool editable = m_hasSession && m_editableState;
    const QString method = QString::fromStdString(m_session.method);
    const bool switchable = !m_hasSession || SteeringFields::switchableMethods().contains(method);
    bool edited = m_marked >= 0;
    for (int i = 0; i < FieldCount; ++i) {
        const auto field = Field(i);
        m_fields.widget(field)->setEnabled(editable && (field != MethodField || switchable));
        QFont font = m_labels[i]->font();
        const bool changed = m_edit[i] != Edit::Clean && m_fields.differs(field, m_session); // what Apply sends or sent
        if (font.bold() != changed) {
            font.setBold(changed);
            m_labels[i]->setFont(font);
        }
        edited = edited || m_edit[i] != Edit::Clean;
    }
    QComboBox* methods = m_fields.methodCombo();
    const QString methodTip = switchable ? m_labels[MethodField]->toolTip()
                                         : tr("%1 runs as a whole session and cannot be switched mid-session")
                                               .arg(method);
    if (methods->toolTip() != methodTip)
        methods->setToolTip(methodTip);
    const ParsedMethodParams parsed = m_fields.params();
    if (m_paramsError->text() != parsed.error)
        m_paramsError->setText(parsed.error);
    if (m_paramsError->isHidden() != parsed.ok())
        m_form->setRowVisible(m_paramsError, !parsed.ok());
    setInvalid(m_fields.widget(ParamsField), !parsed.ok() || m_marked == ParamsField);
    m_apply->setEnabled(editable && parsed.ok() && !change().empty());
    m_reset->setEnabled(editable && edited);
}

} // namespace espalier::widgets
