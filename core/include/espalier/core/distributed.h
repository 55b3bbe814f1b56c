#pragma once

#include <string>

namespace espalier::core {

/// Where this process sits in a data-parallel run (LibTorch's c10d with Gloo, rendezvous through
/// a TCPStore on rank 0), as torchrun describes it: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT.
struct DistributedSettings {
    int worldSize = 1;
    int rank = 0;
    std::string masterAddress = "127.0.0.1";
    int masterPort = 29500;
    /// How long a rank waits for its peers, at the rendezvous and in every collective, before it
    /// gives up with an error naming the run.
    double timeoutSeconds = 60.0;

    [[nodiscard]] bool distributed() const { return worldSize > 1; }
};

/// Throws InputError naming the value that cannot be used (rank outside the world, bad port...).
void validate(const DistributedSettings& settings);

} // namespace espalier::core
