#include "sessionfile.h"

#include <algorithm>

#include "atomicfile.h"
#include "espalier/core/errors.h"
#include "hdf5file.h"
#include "hdf5tensor.h"
#include "snapshotjson.h"
#include "utctime.h"

namespace espalier::core {

namespace {

constexpr const char* kSessionFormat = "espalier-session";
constexpr std::int64_t kSessionFileVersion = 1;

// Tensors named by `names` (undefined ones are left out; an empty list writes no group).
void writeTensors(const h5::Group& parent, const std::string& groupName, const std::vector<std::string>& names,
                  const std::vector<torch::Tensor>& tensors, std::size_t offset = 0)
{
    if (tensors.size() <= offset)
        return;
    const h5::Group group = parent.createGroup(groupName);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (tensors.at(offset + i).defined())
            writeTensor(group, names[i], tensors[offset + i]);
}

// The tensors of `names` in order; absent group: empty; absent dataset: undefined (when allowed).
std::vector<torch::Tensor> readTensors(const h5::Group& parent, const std::string& groupName,
                                       const std::vector<std::string>& names, bool required)
{
    std::vector<torch::Tensor> out;
    if (!parent.hasGroup(groupName)) {
        if (required)
            parent.fail(parent.path() + "/" + groupName, "missing group");
        return out;
    }
    const h5::Group group = parent.openGroup(groupName);
    for (const auto& name : names) {
        if (!group.has(name) && !required)
            out.emplace_back();
        else
            out.push_back(readTensor(group, name));
    }
    return out;
}

std::vector<std::uint8_t> generatorState(const torch::Generator& generator)
{
    const auto state = generator.get_state().contiguous();
    return std::vector<std::uint8_t>(state.data_ptr<std::uint8_t>(), state.data_ptr<std::uint8_t>() + state.numel());
}

void writeRoundState(const h5::Group& parent, const std::string& name, const RoundState& state, const SessionFile& file)
{
    const h5::Group group = parent.createGroup(name);
    group.writeInt64("round", state.round);
    group.writeInt64("position", state.position);
    group.writeString("recipe", recipeToJson(state.recipe));
    group.writeInt64Array("effective_kept", state.effectiveKept);
    group.writeInt64Array("removed_channel_classes", state.removedChannelClasses);
    writeTensors(group, "parameters", file.parameterNames, state.module);
    writeTensors(group, "buffers", file.bufferNames, state.module, file.parameterNames.size());
    writeTensors(group, "masks", file.maskNames, state.masks);
    writeTensors(group, "previous_masks", file.maskNames, state.previousMasks);
    writeTensors(group, "scores", file.maskNames, state.scores);
    const auto rng = generatorState(state.generator);
    group.writeDataset("generator", {std::int64_t(rng.size())}, rng);
}

RoundState readRoundState(const h5::Group& group, const SessionFile& file)
{
    RoundState state;
    state.round = int(group.readInt64("round"));
    state.position = int(group.readInt64("position"));
    state.recipe = parseRecipe(group.readString("recipe"), group.path() + " recipe");
    state.effectiveKept = group.readInt64Array("effective_kept");
    if (group.hasAttribute("removed_channel_classes")) // files from before channel cuts lack it
        state.removedChannelClasses = group.readInt64Array("removed_channel_classes");
    state.module = readTensors(group, "parameters", file.parameterNames, true);
    const auto buffers = readTensors(group, "buffers", file.bufferNames, !file.bufferNames.empty());
    state.module.insert(state.module.end(), buffers.begin(), buffers.end());
    state.masks = readTensors(group, "masks", file.maskNames, true);
    state.previousMasks = readTensors(group, "previous_masks", file.maskNames, false);
    state.scores = readTensors(group, "scores", file.maskNames, false);
    if (state.effectiveKept.size() != file.maskNames.size())
        group.fail(group.path(), "effective_kept has " + std::to_string(state.effectiveKept.size()) +
                                     " entries for " + std::to_string(file.maskNames.size()) + " prunable tensors");
    const auto rng = group.readDataset<std::uint8_t>("generator");
    state.generator = at::make_generator<at::CPUGeneratorImpl>();
    try {
        auto bytes = torch::from_blob(const_cast<std::uint8_t*>(rng.data()), {std::int64_t(rng.size())}, torch::kByte).clone();
        state.generator.set_state(bytes);
    } catch (const c10::Error&) {
        group.fail(group.path() + "/generator", "is not a random generator state");
    }
    return state;
}

void writePhase(const h5::Group& root, const PhaseResume& phase, const SessionFile& file)
{
    const h5::Group group = root.createGroup("phase");
    group.writeString("phase", phase.phase);
    group.writeInt64("round", phase.round);
    group.writeInt64("next_epoch", phase.nextEpoch);
    group.writeInt64("steps", phase.steps);
    group.writeInt64("gmp_next_pruning", phase.gmpNextPruning);
    group.writeString("record", roundRecordToJson(phase.record));
    writeRoundState(group, "state", phase.state, file);
    const h5::Group optimizer = group.createGroup("optimizer");
    for (std::size_t i = 0; i < file.parameterNames.size() && i < phase.optimizer.size(); ++i) {
        if (phase.optimizer[i].empty())
            continue;
        const h5::Group slots = optimizer.createGroup(file.parameterNames[i]);
        for (const auto& [slot, tensor] : phase.optimizer[i])
            writeTensor(slots, slot, tensor);
    }
}

PhaseResume readPhase(const h5::Group& group, const SessionFile& file)
{
    PhaseResume phase;
    phase.phase = group.readString("phase");
    phase.round = int(group.readInt64("round"));
    phase.nextEpoch = int(group.readInt64("next_epoch"));
    phase.steps = group.readInt64("steps");
    phase.gmpNextPruning = group.readInt64("gmp_next_pruning");
    phase.record = roundRecordFromJson(group.readString("record"), group.path() + " record");
    phase.state = readRoundState(group.openGroup("state"), file);
    const h5::Group optimizer = group.openGroup("optimizer");
    for (const auto& name : file.parameterNames) {
        ParamOptimizerState slots;
        if (optimizer.hasGroup(name)) {
            const h5::Group stored = optimizer.openGroup(name);
            for (const auto& slot : stored.children())
                slots[slot] = readTensor(stored, slot);
        }
        phase.optimizer.push_back(std::move(slots));
    }
    if (phase.phase != "pretrain" && phase.phase != "round" && phase.phase != "finetune")
        group.fail(group.path(), "attribute phase is '" + phase.phase + "', not pretrain, round or finetune");
    return phase;
}

std::string historyName(const RoundState& state)
{
    return "round_" + std::to_string(state.round);
}

} // namespace

std::string resumeDescription(const SessionFile& file)
{
    if (file.phase)
        return "after " +
               std::string(file.phase->phase == "pretrain" ? "pretraining"
                           : file.phase->phase == "round"  ? "training"
                                                           : "fine-tuning") +
               " epoch " + std::to_string(file.phase->nextEpoch) +
               (file.phase->round > 0 ? " of round " + std::to_string(file.phase->round) : std::string());
    if (file.resumeRound < 0)
        return "from the start";
    return file.resumeRound == 0 ? "after pretraining" : "after round " + std::to_string(file.resumeRound);
}

void writeSessionFile(const std::string& path, const SessionFile& file)
{
    writeAtomically(path, [&](const std::string& tempPath) {
        h5::File out = h5::File::create(tempPath, path);
        {
            const h5::Group root = out.root();
            root.writeString("format", kSessionFormat);
            root.writeInt64("format_version", kSessionFileVersion);
            root.writeString("espalier_version", ESPALIER_VERSION);
            root.writeString("created_utc", utcNow());
            root.writeString("recipe", file.initialRecipeJson);
            root.writeString("resume_recipe", file.resumeRecipeJson);
            root.writeInt64("resume_round", file.resumeRound);
            root.writeInt64("applied_steering", std::int64_t(file.appliedSteering));
            root.writeInt64("branch", file.branch);
            root.writeInt64("branches", file.branches);
            root.writeStrings("parameter_names", file.parameterNames);
            root.writeStrings("buffer_names", file.bufferNames);
            root.writeStrings("mask_names", file.maskNames);
            root.writeStrings("snapshot", {file.snapshotJson});
            const h5::Group history = root.createGroup("history");
            for (const auto& state : file.history)
                writeRoundState(history, historyName(state), state, file);
            if (file.phase)
                writePhase(root, *file.phase, file);
            if (!file.rewindState.empty()) {
                const h5::Group rewind = root.createGroup("rewind");
                writeTensors(rewind, "parameters", file.parameterNames, file.rewindState);
                writeTensors(rewind, "buffers", file.bufferNames, file.rewindState, file.parameterNames.size());
            }
        }
        out.close();
    });
}

namespace {

void checkFormat(const std::string& path, const h5::Group& root)
{
    if (!root.hasAttribute("format") || root.readString("format") != kSessionFormat)
        throw InputError(path + ": not an Espalier session file (root attribute format is not \"" +
                         std::string(kSessionFormat) + "\")");
    const auto version = root.readInt64("format_version");
    if (version > kSessionFileVersion)
        throw InputError(path + ": session format_version " + std::to_string(version) +
                         " is newer than this Espalier reads (" + std::to_string(kSessionFileVersion) + ")");
}

} // namespace

SessionFile readSessionHeader(const std::string& path)
{
    h5::File in = h5::File::open(path);
    const h5::Group root = in.root();
    checkFormat(path, root);
    SessionFile file;
    file.initialRecipeJson = root.readString("recipe");
    file.resumeRecipeJson = root.readString("resume_recipe");
    file.resumeRound = int(root.readInt64("resume_round"));
    if (root.hasGroup("phase")) {
        const h5::Group group = root.openGroup("phase");
        PhaseResume phase;
        phase.phase = group.readString("phase");
        phase.round = int(group.readInt64("round"));
        phase.nextEpoch = int(group.readInt64("next_epoch"));
        file.phase = std::move(phase);
    }
    return file;
}

SessionFile readSessionFile(const std::string& path)
{
    h5::File in = h5::File::open(path);
    const h5::Group root = in.root();
    checkFormat(path, root);
    SessionFile file;
    file.espalierVersion = root.readString("espalier_version");
    file.createdUtc = root.readString("created_utc");
    file.initialRecipeJson = root.readString("recipe");
    file.resumeRecipeJson = root.readString("resume_recipe");
    file.resumeRound = int(root.readInt64("resume_round"));
    file.appliedSteering = std::size_t(root.readInt64("applied_steering"));
    file.branch = int(root.readInt64("branch"));
    file.branches = int(root.readInt64("branches"));
    file.parameterNames = root.readStrings("parameter_names");
    file.bufferNames = root.readStrings("buffer_names");
    file.maskNames = root.readStrings("mask_names");
    const auto snapshot = root.readStrings("snapshot");
    if (snapshot.size() != 1)
        root.fail("/snapshot", "must hold exactly one JSON text");
    file.snapshotJson = snapshot.front();
    const h5::Group history = root.openGroup("history");
    for (const auto& name : history.children())
        file.history.push_back(readRoundState(history.openGroup(name), file));
    if (root.hasGroup("rewind")) {
        const h5::Group rewind = root.openGroup("rewind");
        file.rewindState = readTensors(rewind, "parameters", file.parameterNames, true);
        const auto buffers = readTensors(rewind, "buffers", file.bufferNames, !file.bufferNames.empty());
        file.rewindState.insert(file.rewindState.end(), buffers.begin(), buffers.end());
    }
    if (root.hasGroup("phase"))
        file.phase = readPhase(root.openGroup("phase"), file);
    if (file.resumeRound >= 0 &&
        std::none_of(file.history.begin(), file.history.end(),
                     [&](const RoundState& s) { return s.round == file.resumeRound; }))
        throw InputError(path + ": /history has no state for resume_round " + std::to_string(file.resumeRound));
    return file;
}

} // namespace espalier::core
