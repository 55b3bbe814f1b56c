#include <iostream>

#include "commands.h"
#include "espalier/core/inspect.h"

namespace espalier::cli {

int inspectCommand(const InspectOptions& options)
{
    std::cout << (options.json ? core::inspectFileJson(options.file) : core::inspectFile(options.file));
    return 0;
}

} // namespace espalier::cli
