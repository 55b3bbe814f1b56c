#include "testregistry.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace espalier::testing {

namespace {

std::map<std::string, TestRunner>& registry()
{
    static std::map<std::string, TestRunner> tests; // sorted: "run them all" has a stable order
    return tests;
}

} // namespace

bool registerTest(const char* sourceFile, TestRunner run)
{
    registry().emplace(std::filesystem::path(sourceFile).stem().string(), run);
    return true;
}

int runRegisteredTests(int argc, char** argv)
{
    const auto& tests = registry();
    if (argc > 1 && std::strcmp(argv[1], "--list") == 0) {
        for (const auto& [name, run] : tests)
            std::printf("%s\n", name.c_str());
        return 0;
    }
    if (argc > 1 && argv[1][0] != '-') {
        const auto found = tests.find(argv[1]);
        if (found == tests.end()) {
            std::fprintf(stderr, "%s: no test named '%s'; --list shows them\n", argv[0], argv[1]);
            return 2;
        }
        std::vector<char*> args{argv[0]}; // Qt Test sees the options only
        args.insert(args.end(), argv + 2, argv + argc);
        return found->second(static_cast<int>(args.size()), args.data());
    }
    int failedTests = 0;
    for (const auto& [name, run] : tests)
        failedTests += run(argc, argv) != 0 ? 1 : 0;
    return failedTests;
}

} // namespace espalier::testing
