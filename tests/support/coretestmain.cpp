// tst_core: a QCoreApplication, as QTEST_GUILESS_MAIN gives each core test.
#include <QCoreApplication>

#include "testregistry.h"

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    return espalier::testing::runRegisteredTests(argc, argv);
}
