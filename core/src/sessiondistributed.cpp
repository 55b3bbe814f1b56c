// Data-parallel sessions: meeting the other ranks, and agreeing on every round's masks.
#include "sessionimpl.h"

#include <cstdio>

namespace espalier::core {

namespace {

std::string hex(std::uint64_t value)
{
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

std::vector<torch::Tensor> parametersAndBuffers(const Model& model)
{
    std::vector<torch::Tensor> tensors;
    for (const auto& p : model.module.parameters())
        tensors.push_back(p);
    for (const auto& b : model.module.buffers())
        tensors.push_back(b);
    return tensors;
}

} // namespace

void Session::Impl::joinRanks(const DistributedSettings& settings)
{
    if (recipe.microBatches != 1)
        throw InputError("micro_batches: a distributed run computes each batch in one part per rank; set "
                         "micro_batches to 1 (got " + std::to_string(recipe.microBatches) + ")");
    parallel = std::make_unique<DataParallel>(settings);
    // Every rank starts from rank 0's model, whatever its own initialisation drew.
    parallel->broadcastFromRankZero(parametersAndBuffers(model), "the initial model");
    parallel->broadcastFromRankZero(masks.masks(), "the initial masks");
    masks.applyToWeights();
    refreshKept();
    log("rank " + std::to_string(settings.rank) + " of " + std::to_string(settings.worldSize) +
        ": data-parallel over c10d/Gloo, each rank trains on its shard of every batch of " +
        std::to_string(recipe.train.batch));
}

void Session::Impl::shareBatchNormStatistics()
{
    // Each rank's running statistics saw only its shards (as PyTorch's DDP without SyncBatchNorm);
    // rank 0's hold everywhere from each epoch's end, so every rank evaluates the same model.
    if (!parallel)
        return;
    std::vector<torch::Tensor> buffers;
    for (const auto& b : model.module.buffers())
        buffers.push_back(b);
    if (!buffers.empty())
        parallel->broadcastFromRankZero(buffers, "the BatchNorm statistics");
}

std::string Session::Impl::agreeOnMasks(int round, std::vector<torch::Tensor>& next)
{
    const std::string what = "round " + std::to_string(round) + "'s masks";
    if (!parallel)
        return hex(checksum(next));
    // Each rank chose its masks from identical weights and data; a rank whose choice differs
    // (another CPU's rounding) is named, and rank 0's choice holds everywhere.
    const auto chosen = parallel->gatherChecksums(checksum(next), what);
    for (std::size_t r = 1; r < chosen.size(); ++r)
        if (chosen[r] != chosen[0])
            event("warning: rank " + std::to_string(r) + " chose different masks than rank 0 in round " +
                  std::to_string(round) + "; rank 0's masks are used on every rank");
    parallel->broadcastFromRankZero(next, what);
    const auto model = parallel->gatherChecksums(checksum(parametersAndBuffers(this->model)), "the model weights");
    for (std::size_t r = 1; r < model.size(); ++r)
        if (model[r] != model[0]) {
            event("warning: rank " + std::to_string(r) + "'s weights drifted from rank 0's before round " +
                  std::to_string(round) + "; every rank continues from rank 0's");
            parallel->broadcastFromRankZero(parametersAndBuffers(this->model), "the model weights");
            break;
        }
    const auto local = checksum(next);
    const auto agreed = parallel->gatherChecksums(local, what);
    for (std::size_t r = 1; r < agreed.size(); ++r)
        if (agreed[r] != agreed[0])
            throw DistributedError("distributed run: " + what + " differ between rank 0 and rank " +
                                     std::to_string(r) + " after the broadcast");
    return hex(local);
}

} // namespace espalier::core
