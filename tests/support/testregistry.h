#pragma once
// Every tst_<unit>.cpp of a layer links into one executable (tst_core, tst_widgets, tst_app):
// a LibTorch or Qt Test translation unit costs 7-12 s before its first line of test code, and
// the suites compile in a few batches instead of one unit per file. Each file still registers
// its own test class under its file name, and ctest still runs each in its own process.

#include <QtTest>

namespace espalier::testing {

using TestRunner = int (*)(int argc, char** argv);

// Registers `run` under the base name of `sourceFile` ("tst_recipe"); returns true.
bool registerTest(const char* sourceFile, TestRunner run);

// `suite`: every test in name order. `suite NAME [Qt Test options]`: that one.
// `suite --list`: the names. The application object must exist already.
int runRegisteredTests(int argc, char** argv);

} // namespace espalier::testing

// In place of QTEST_MAIN, inside the test file's own namespace.
#define ESPALIER_TEST_MAIN(TestClass)                                                              \
    [[maybe_unused]] const bool testRegistered = ::espalier::testing::registerTest(                \
        __FILE__, [](int argc, char** argv) {                                                      \
            TestClass test;                                                                        \
            QTEST_SET_MAIN_SOURCE_PATH                                                             \
            return QTest::qExec(&test, argc, argv);                                                \
        });
