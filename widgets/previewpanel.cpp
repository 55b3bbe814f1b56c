#include "widgets/previewpanel.h"

#include <cmath>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

namespace espalier::widgets {
namespace {

constexpr int kSliderSteps = 999; // 0.1 % per step, up to 99.9 %

// The scorers a preview can use; the others (ESPN, GMP, IMP) find their masks by training.
const QStringList& previewMethods()
{
    static const QStringList methods{QStringLiteral("magnitude"), QStringLiteral("random"), QStringLiteral("snip"),
                                     QStringLiteral("grasp"),     QStringLiteral("synflow"), QStringLiteral("taylor")};
    return methods;
}

} // namespace

PreviewPanel::PreviewPanel(QWidget* parent)
    : QWidget(parent), m_method(new QComboBox(this)), m_slider(new QSlider(Qt::Horizontal, this)),
      m_spin(new QDoubleSpinBox(this)), m_button(new QPushButton(tr("Pre&view"), this))
{
    m_method->setObjectName(QStringLiteral("previewMethodCombo"));
    m_slider->setObjectName(QStringLiteral("previewSparsitySlider"));
    m_spin->setObjectName(QStringLiteral("previewSparsitySpin"));
    m_button->setObjectName(QStringLiteral("previewButton"));
    m_method->addItems(previewMethods());
    m_method->setToolTip(tr("Scoring method of the preview (ESPN, GMP and IMP find their masks by training)"));
    m_slider->setRange(0, kSliderSteps);
    m_spin->setRange(0.0, kSliderSteps / 10.0);
    m_spin->setDecimals(1);
    m_spin->setSuffix(QStringLiteral(" %"));
    m_spin->setSingleStep(0.5);
    m_button->setToolTip(tr("Prune a copy of the current model to this sparsity, evaluate it on the test set and "
                            "discard it; the result appears as a diamond on the accuracy chart"));

    auto* title = new QLabel(tr("<b>What-if preview</b>"), this);
    auto* hint = new QLabel(tr("Accuracy if the model were pruned now, without training. Nothing changes."), this);
    hint->setWordWrap(true);
    auto* row = new QHBoxLayout;
    row->addWidget(m_method);
    row->addWidget(m_slider, 1);
    row->addWidget(m_spin);
    row->addWidget(m_button);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addWidget(title);
    layout->addWidget(hint);
    layout->addLayout(row);

    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        if (!m_filling)
            m_touched = true;
        setSparsityPercent(value / 10.0);
    });
    connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double percent) {
        if (!m_filling)
            m_touched = true;
        setSparsityPercent(percent);
    });
    connect(m_method, &QComboBox::activated, this, [this] { m_touched = true; });
    connect(m_button, &QPushButton::clicked, this, [this] { Q_EMIT previewRequested(method(), sparsity()); });
    setAvailable(false);
}

void PreviewPanel::setSparsityPercent(double percent)
{
    const bool filling = m_filling;
    m_filling = true;
    m_slider->setValue(int(std::lround(percent * 10.0)));
    if (std::abs(m_spin->value() - percent) > 1e-9)
        m_spin->setValue(percent);
    m_filling = filling;
}

void PreviewPanel::setSessionDefaults(const QString& method, double targetSparsity)
{
    if (m_touched)
        return;
    m_filling = true;
    if (const int index = m_method->findText(method); index >= 0)
        m_method->setCurrentIndex(index);
    setSparsityPercent(std::min(targetSparsity * 100.0, kSliderSteps / 10.0));
    m_filling = false;
}

void PreviewPanel::setAvailable(bool available)
{
    m_button->setEnabled(available);
}

void PreviewPanel::resetChoice()
{
    m_touched = false;
}

QString PreviewPanel::method() const
{
    return m_method->currentText();
}

double PreviewPanel::sparsity() const
{
    return m_spin->value() / 100.0;
}

} // namespace espalier::widgets
