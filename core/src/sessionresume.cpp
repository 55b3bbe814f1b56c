// Saving a session to session.h5 and continuing it (Session::saveSession, Session::resume).
#include "sessionimpl.h"
#include "snapshotjson.h"

namespace espalier::core {

namespace {

std::vector<std::string> parameterNames(const Model& model)
{
    std::vector<std::string> names;
    for (const auto& p : model.module.named_parameters(/*recurse=*/true))
        names.push_back(p.name);
    return names;
}

std::vector<std::string> bufferNames(const Model& model)
{
    std::vector<std::string> names;
    for (const auto& b : model.module.named_buffers(/*recurse=*/true))
        names.push_back(b.name);
    return names;
}

// A file saved for another model (or another exclude list) must not be half applied.
void checkNames(const std::string& path, const std::string& what, const std::vector<std::string>& saved,
                const std::vector<std::string>& expected)
{
    for (std::size_t i = 0; i < std::max(saved.size(), expected.size()); ++i) {
        if (i < saved.size() && i < expected.size() && saved[i] == expected[i])
            continue;
        throw InputError(path + ": " + what + " " + std::to_string(i + 1) + " is '" +
                         (i < saved.size() ? saved[i] : std::string("(none)")) + "' in the file but '" +
                         (i < expected.size() ? expected[i] : std::string("(none)")) +
                         "' in the model the recipe builds; the session was saved for another model");
    }
}

void checkShapes(const std::string& path, const RoundState& state, const std::vector<std::string>& names,
                 const std::vector<torch::Tensor>& expected)
{
    for (std::size_t i = 0; i < expected.size(); ++i)
        if (state.module.at(i).sizes() != expected[i].sizes() || state.module[i].scalar_type() != expected[i].scalar_type())
            throw InputError(path + ": history round " + std::to_string(state.round) + ": '" + names.at(i) +
                             "' has shape " + c10::str(state.module[i].sizes()) + " in the file but " +
                             c10::str(expected[i].sizes()) + " in the model");
}

} // namespace

RoundState Session::Impl::currentState(int round) const
{
    RoundState state;
    state.round = round;
    state.module = moduleState();
    state.masks = cloneTensors(masks.masks());
    state.previousMasks = cloneTensors(previousMasks);
    state.scores = cloneTensors(lastScores);
    state.effectiveKept = effectiveCache;
    state.removedChannelClasses = removedChannelClasses;
    {
        std::lock_guard lock(recipeMutex);
        state.recipe = recipe;
    }
    state.generator = generator.clone();
    state.position = position;
    return state;
}

void Session::Impl::applyState(const RoundState& state)
{
    restoreModuleState(state.module);
    masks.setMasks(cloneTensors(state.masks));
    masks.applyToWeights();
    previousMasks = cloneTensors(state.previousMasks);
    lastScores = cloneTensors(state.scores);
    effectiveCache = state.effectiveKept;
    generator = state.generator.clone();
    removedChannelClasses = state.removedChannelClasses;
    holdRemovedChannels();
}

void Session::Impl::captureResumeBookkeeping()
{
    {
        std::lock_guard lock(recipeMutex);
        resumePoint.recipe = recipe;
    }
    resumePoint.appliedSteering = appliedSteering;
    resumePoint.branch = branch;
    resumePoint.branches = branches;
    std::lock_guard lock(snapshotMutex);
    updateCounts();
    resumePoint.snapshot = current;
}

void Session::Impl::markResumePoint(int round)
{
    resumePoint.round = round;
    resumePoint.phase.reset();
    captureResumeBookkeeping();
    if (!hooks || hooks->autosavePath.empty())
        return;
    const auto now = Clock::now();
    if (lastAutosave && now - *lastAutosave < std::chrono::duration<double>(hooks->autosaveIntervalSeconds))
        return;
    lastAutosave = now;
    try {
        writeSessionFile(hooks->autosavePath, sessionFile());
    } catch (const std::exception& e) {
        event(std::string("warning: could not autosave the session: ") + e.what());
    }
}

void Session::Impl::markPhasePoint(const std::string& phase, int round, int nextEpoch, std::int64_t steps,
                                   const RoundRecord* record, const Trainer& trainer)
{
    PhaseResume point;
    point.phase = phase;
    point.round = round;
    point.nextEpoch = nextEpoch;
    point.steps = steps;
    point.gmpNextPruning = gmpNextPruning;
    if (record)
        point.record = *record;
    point.optimizer = trainer.optimizerState();
    point.state = currentState(round);
    resumePoint.phase = std::move(point);
    captureResumeBookkeeping();
}

SessionFile Session::Impl::sessionFile() const
{
    SessionFile file;
    file.initialRecipeJson = recipeToJson(initialRecipe);
    file.parameterNames = parameterNames(model);
    file.bufferNames = bufferNames(model);
    for (const auto& t : masks.tensors())
        file.maskNames.push_back(t.name);
    file.resumeRound = resumePoint.round;
    Recipe resumeRecipe = resumePoint.recipe;
    {
        // Steering made after the resume point is replayed from the rounds it applies to.
        std::lock_guard lock(recipeMutex);
        for (std::size_t i = resumeRecipe.steering.size(); i < recipe.steering.size(); ++i)
            resumeRecipe.steering.push_back(recipe.steering[i]);
    }
    const bool started = resumePoint.round >= 0 || resumePoint.phase;
    file.resumeRecipeJson = recipeToJson(started ? resumeRecipe : initialRecipe);
    file.appliedSteering = resumePoint.appliedSteering;
    file.branch = resumePoint.branch;
    file.branches = resumePoint.branches;
    file.snapshotJson = snapshotToJson(resumePoint.snapshot);
    if (resumePoint.round >= 0)
        file.history.assign(history.states().begin(), history.states().end());
    file.rewindState = rewindState;
    file.phase = resumePoint.phase;
    return file;
}

void Session::Impl::resumeFrom(const SessionFile& file, const std::string& path,
                               const std::vector<std::string>& overrides, const Recipe* replacement)
{
    if (file.resumeRound < 0 && !file.phase)
        return; // nothing had run: the recipe alone reproduces the session
    checkNames(path, "parameter", file.parameterNames, parameterNames(model));
    checkNames(path, "buffer", file.bufferNames, bufferNames(model));
    std::vector<std::string> maskNames;
    for (const auto& t : masks.tensors())
        maskNames.push_back(t.name);
    checkNames(path, "prunable tensor", file.maskNames, maskNames);
    const auto expected = moduleState();
    std::vector<std::string> moduleNames = file.parameterNames;
    moduleNames.insert(moduleNames.end(), file.bufferNames.begin(), file.bufferNames.end());
    for (const auto& state : file.history) {
        checkShapes(path, state, moduleNames, expected);
        history.store(state);
    }
    if (file.phase) {
        checkShapes(path, file.phase->state, moduleNames, expected);
        if (file.phase->optimizer.size() != file.parameterNames.size())
            throw InputError(path + ": /phase/optimizer does not match the model's parameters");
    }

    const RoundState* state = file.phase ? &file.phase->state : history.find(file.resumeRound);
    applyState(*state);
    if (!file.rewindState.empty())
        rewindState = cloneTensors(file.rewindState);
    {
        std::lock_guard lock(recipeMutex);
        recipe = replacement ? *replacement : parseRecipe(file.resumeRecipeJson, path + " (resume_recipe)", overrides);
        appliedSteering = std::min(file.appliedSteering, recipe.steering.size());
    }
    rebuildConstraints();
    refreshKept();
    position = state->position;
    roundsStarted = file.phase ? file.phase->round : file.resumeRound;
    branch = file.branch;
    branches = file.branches;
    {
        std::lock_guard lock(snapshotMutex);
        current = snapshotFromJson(file.snapshotJson, path + " /snapshot");
        if (current.layers.size() != masks.size())
            current.layers = layerStats();
        current.state = SessionState::Idle;
        current.phase = "ready";
        current.epoch = 0;
        current.batch = 0;
        current.rollbackRounds = history.rounds();
        current.targetSparsity = recipe.targetSparsity;
        current.totalRounds = recipe.rounds;
        updateCounts();
    }
    resumePoint.round = file.resumeRound;
    resumePoint.phase = file.phase;
    resumeIn = file.phase;
    resumePoint.recipe = recipe;
    resumePoint.appliedSteering = appliedSteering;
    resumePoint.branch = branch;
    resumePoint.branches = branches;
    resumePoint.snapshot = current;
    resumed = true;
    loadMessage += "; resumed " + resumeDescription(file) + " from " + path;
}

std::unique_ptr<Session> Session::resume(const std::string& sessionPath, const std::vector<std::string>& overrides)
{
    const SessionFile file = readSessionFile(sessionPath);
    const bool hasState = file.resumeRound >= 0 || file.phase;
    std::unique_ptr<Session> session(
        new Session(parseRecipe(file.initialRecipeJson, sessionPath + " (recipe)", overrides), !hasState));
    try {
        session->m_impl->resumeFrom(file, sessionPath, overrides);
    } catch (const c10::Error& e) {
        throw InputError(sessionPath + ": " + e.what_without_backtrace());
    }
    return session;
}

Recipe pretrainingRecipe(const Recipe& recipe)
{
    Recipe out;
    out.model = recipe.model;
    out.data = recipe.data;
    out.pretrain = recipe.pretrain;
    out.seed = recipe.seed;
    out.threads = recipe.threads;
    out.microBatches = recipe.microBatches; // it rounds the pretraining differently
    out.exclude = recipe.exclude;
    out.targetSparsity = 0.0;
    out.method = "magnitude";
    // Slimming pretrains with its γ penalty: other slimming recipes share that pretraining, the
    // rest do not. The other channel settings act after pretraining.
    if (recipe.channels.method == "slimming" && recipe.channels.penalty > 0) {
        out.channels.method = "slimming";
        out.channels.penalty = recipe.channels.penalty;
    }
    // IMP keeps its rewind point, which is taken at initialisation or during pretraining.
    if (recipe.method == "imp") {
        out.method = "imp";
        out.methodParams = recipe.methodParams;
    }
    return out;
}

std::unique_ptr<Session> Session::afterPretraining(const std::string& pretrainedSession, Recipe recipe)
{
    const SessionFile file = readSessionFile(pretrainedSession);
    if (file.resumeRound != 0 || file.phase)
        throw InputError(pretrainedSession + ": not a session saved right after pretraining (it continues " +
                         resumeDescription(file) + ")");
    const auto saved = parseRecipe(file.initialRecipeJson, pretrainedSession + " (recipe)");
    const auto difference = firstRecipeDifference(pretrainingRecipe(saved), pretrainingRecipe(recipe));
    if (!difference.empty())
        throw InputError(pretrainedSession + ": pretrained with a different " + difference +
                         " than the recipe asks for");
    validateRecipe(recipe, "recipe");
    std::unique_ptr<Session> session(new Session(recipe, false));
    try {
        session->m_impl->resumeFrom(file, pretrainedSession, {}, &recipe);
    } catch (const c10::Error& e) {
        throw InputError(pretrainedSession + ": " + e.what_without_backtrace());
    }
    return session;
}

std::pair<Recipe, std::string> Session::peekSessionFile(const std::string& sessionPath)
{
    const SessionFile file = readSessionHeader(sessionPath);
    Recipe recipe = parseRecipe(file.initialRecipeJson, sessionPath + " (recipe)");
    recipe.steering = parseRecipe(file.resumeRecipeJson, sessionPath + " (resume_recipe)").steering;
    return {recipe, resumeDescription(file)};
}

void Session::saveSession(const std::string& path) const
{
    writeSessionFile(path, m_impl->sessionFile());
}

} // namespace espalier::core
