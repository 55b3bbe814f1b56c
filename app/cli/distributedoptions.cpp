#include "distributedoptions.h"

#include <cstdlib>

#include <CLI/CLI.hpp>

#include "espalier/core/errors.h"

namespace espalier::cli {

namespace {

std::optional<std::string> environment(const char* name)
{
    const char* value = std::getenv(name);
    return value && *value ? std::optional<std::string>(value) : std::nullopt;
}

int integer(const std::string& text, const std::string& source)
{
    std::size_t used = 0;
    int value = 0;
    try {
        value = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size())
        throw core::InputError(source + ": '" + text + "' is not a whole number");
    return value;
}

} // namespace

void DistributedFlags::addTo(CLI::App& command)
{
    command.add_option("--world-size,--nnodes", worldSize,
                       "Processes in a data-parallel run, one per machine (default: WORLD_SIZE, else 1)");
    command.add_option("--rank", rank, "This process's rank, 0 to N-1; rank 0 writes the files (default: RANK)");
    command.add_option("--master", master,
                       "ADDR:PORT of rank 0, where the ranks meet (default: MASTER_ADDR:MASTER_PORT, else "
                       "127.0.0.1:29500)");
    command.add_option("--dist-timeout", timeoutSeconds,
                       "Seconds a rank waits for its peers before it stops with an error (default 60)")
        ->check(CLI::PositiveNumber);
}

core::DistributedSettings DistributedFlags::resolve() const
{
    core::DistributedSettings s;
    if (worldSize)
        s.worldSize = *worldSize;
    else if (const auto env = environment("WORLD_SIZE"))
        s.worldSize = integer(*env, "WORLD_SIZE");
    if (rank)
        s.rank = *rank;
    else if (const auto env = environment("RANK"))
        s.rank = integer(*env, "RANK");
    if (!master.empty()) {
        const auto colon = master.rfind(':');
        if (colon == std::string::npos || colon == 0)
            throw core::InputError("--master '" + master + "': expected ADDR:PORT, e.g. 10.0.0.1:29500");
        s.masterAddress = master.substr(0, colon);
        s.masterPort = integer(master.substr(colon + 1), "--master '" + master + "' port");
    } else {
        if (const auto env = environment("MASTER_ADDR"))
            s.masterAddress = *env;
        if (const auto env = environment("MASTER_PORT"))
            s.masterPort = integer(*env, "MASTER_PORT");
    }
    s.timeoutSeconds = timeoutSeconds;
    core::validate(s);
    return s;
}

} // namespace espalier::cli
