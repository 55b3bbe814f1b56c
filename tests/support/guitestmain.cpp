// tst_widgets and tst_app: a QApplication set up as QTEST_MAIN sets it up.
#include <QApplication>

#include "testregistry.h"

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    return espalier::testing::runRegisteredTests(argc, argv);
}
