#pragma once
// docs/screenshots come from the app tests: with ESPALIER_SCREENSHOTS=DIR set they save windows there.

#include <QTest>
#include <QWidget>

namespace espalier::testing {

/// Saves `window` as DIR/NAME.png when ESPALIER_SCREENSHOTS=DIR is set; does nothing otherwise.
inline void screenshot(QWidget& window, const char* name)
{
    const QString dir = qEnvironmentVariable("ESPALIER_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(300); // coalesced repaints and queued replots land first
    window.grab().save(dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
}

} // namespace espalier::testing
