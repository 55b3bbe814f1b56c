#pragma once

#include <optional>
#include <string>

#include "espalier/core/distributed.h"

namespace CLI {
class App;
}

namespace espalier::cli {

/// The distributed flags of `run` and `resume`; unset ones fall back to torchrun's environment
/// (WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT), then to a single process.
struct DistributedFlags {
    std::optional<int> worldSize;
    std::optional<int> rank;
    std::string master; ///< ADDR:PORT
    double timeoutSeconds = 60.0;

    void addTo(CLI::App& command);
    /// Throws InputError naming the flag or variable that cannot be used.
    [[nodiscard]] core::DistributedSettings resolve() const;
};

} // namespace espalier::cli
