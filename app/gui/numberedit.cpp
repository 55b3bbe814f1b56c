#include "app/gui/numberedit.h"

#include <limits>

#include <QLocale>

namespace espalier::app {

NumberEdit::NumberEdit(QWidget* parent) : QLineEdit(parent)
{
    // Room for "8e-05" or "0.001" without stretching every row of the form.
    setMaximumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0.000000000")) + 16);
}

void NumberEdit::setValue(double value)
{
    setText(QLocale::c().toString(value, 'g', QLocale::FloatingPointShortest));
}

double NumberEdit::value() const
{
    bool ok = false;
    const double number = QLocale::c().toDouble(text().trimmed(), &ok);
    return ok ? number : std::numeric_limits<double>::quiet_NaN();
}

} // namespace espalier::app
