#pragma once
// Internal: session.h5, everything a session needs to continue where it was saved
// (docs/formats.md, "session.h5").

#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "espalier/core/recipe.h"
#include "espalier/core/snapshot.h"
#include "roundhistory.h"
#include "trainer.h"

namespace espalier::core {

/// A training phase stopped between two of its epochs: the session continues inside it.
struct PhaseResume {
    std::string phase; ///< "pretrain", "round" or "finetune"
    int round = 0;     ///< 0 for pretraining
    int nextEpoch = 0; ///< 0-based index of the epoch to run next (the LR schedule's position)
    std::int64_t steps = 0;          ///< optimizer steps of the phase so far (GMP's clock)
    std::int64_t gmpNextPruning = 0; ///< GMP: index of the next pruning step
    RoundRecord record;              ///< the round's record so far
    std::vector<ParamOptimizerState> optimizer; ///< per model parameter (momentum, Adam moments)
    RoundState state; ///< weights, masks, random state, recipe and position after the epoch
};

/// The contents of session.h5. The session continues from `phase` when it is set, else from
/// `history`'s state of `resumeRound` (the last finished round), with `resumeRecipe` and
/// `snapshotJson`. `resumeRound` -1 without `phase`: nothing had run, the recipe alone restarts it.
struct SessionFile {
    std::string espalierVersion; ///< read back from the file (the writer fills in its own)
    std::string createdUtc;      ///< read back from the file
    std::string initialRecipeJson;
    std::vector<std::string> parameterNames; ///< RoundState::module holds these, then the buffers
    std::vector<std::string> bufferNames;
    std::vector<std::string> maskNames; ///< prunable tensors in network order
    int resumeRound = -1;
    std::string resumeRecipeJson; ///< effective recipe, with every steering entry made so far
    std::size_t appliedSteering = 0; ///< entries of its steering already in effect at resumeRound
    int branch = 0;
    int branches = 0;
    std::string snapshotJson; ///< the records, events and annotations at resumeRound
    std::vector<RoundState> history; ///< the rollback history, oldest first; holds resumeRound
    std::vector<torch::Tensor> rewindState; ///< IMP's rewind point (parameters, buffers); may be empty
    std::optional<PhaseResume> phase; ///< set: continue inside this phase, after resumeRound
};

/// "after round 2", "after finetune epoch 7 of round 1", "from the start": where `file` continues.
std::string resumeDescription(const SessionFile& file);

/// The header of a session file: root attributes only, no tensors (`history` and `phase` stay empty;
/// `phase` is set, with only its attributes, when the file continues inside a phase).
SessionFile readSessionHeader(const std::string& path);

/// Writes `file` atomically; throws std::runtime_error naming `path` and the reason.
void writeSessionFile(const std::string& path, const SessionFile& file);

/// Reads a session file; throws InputError naming the file and the key when it is missing, not
/// HDF5, of another format or version, or incomplete.
SessionFile readSessionFile(const std::string& path);

} // namespace espalier::core
