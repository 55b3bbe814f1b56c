#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "espalier/core/distributed.h"

namespace espalier::core {

/// What a batch adds up to over all ranks.
struct BatchTotals {
    double lossSum = 0.0; ///< Σ per-sample loss
    std::int64_t correct = 0;
};

/// The process group of a data-parallel run. Every rank holds the whole model and takes its
/// contiguous shard of each global batch; gradients are summed so that every rank steps with the
/// gradient a single process would compute on the global batch. Collectives that fail or wait
/// longer than the timeout throw std::runtime_error naming this rank and the operation, so that
/// a dead peer never leaves a rank waiting forever.
class DataParallel {
public:
    /// Rendezvous with the other ranks; throws when they do not all arrive within the timeout.
    explicit DataParallel(const DistributedSettings& settings);
    ~DataParallel();
    DataParallel(const DataParallel&) = delete;
    DataParallel& operator=(const DataParallel&) = delete;

    [[nodiscard]] int rank() const { return m_settings.rank; }
    [[nodiscard]] int worldSize() const { return m_settings.worldSize; }

    /// This rank's part of the global batch `globalIndex` (possibly empty for a short last batch).
    [[nodiscard]] torch::Tensor shard(const torch::Tensor& globalIndex) const;

    /// Replaces each parameter's gradient by Σ_ranks grad · shardSize / globalSize: with the loss a
    /// mean over the shard, that is the gradient of the mean loss over the global batch. A missing
    /// gradient counts as zero. Also sums `local` over the ranks. One all-reduce.
    BatchTotals allReduceGradients(const std::vector<torch::Tensor>& parameters, std::int64_t shardSize,
                                   std::int64_t globalSize, BatchTotals local);

    /// Overwrites `tensors` on every rank with rank 0's (in place, any dtype).
    void broadcastFromRankZero(const std::vector<torch::Tensor>& tensors, const std::string& what);

    /// The checksum of every rank, in rank order.
    [[nodiscard]] std::vector<std::uint64_t> gatherChecksums(std::uint64_t local, const std::string& what);

private:
    struct Group; // the TCPStore and the Gloo process group, kept out of this header
    void run(const std::string& operation, const std::function<void()>& collective) const;

    DistributedSettings m_settings;
    std::unique_ptr<Group> m_group;
};

/// FNV-1a over the bytes of `tensors` (made contiguous), in order: equal tensors give equal sums
/// on every machine.
[[nodiscard]] std::uint64_t checksum(const std::vector<torch::Tensor>& tensors);

} // namespace espalier::core
