// Pruning rounds: score (or discover ESPN's mask), select, check for collapse, apply, train, record.
#include "sessionimpl.h"

namespace espalier::core {

std::unique_ptr<EspnMaskDiscovery> Session::Impl::discoverEspnMask(int round, double density)
{
    const auto settings = espnSettingsFrom(recipe.methodParams, recipe.train.batch);
    auto espn = std::make_unique<EspnMaskDiscovery>(model, masks, settings);
    espn->setBatchSplit(parallel.get(), recipe.microBatches);
    const std::int64_t target = keepCount(density, espn->totalEntries());
    update([&](Snapshot& s) {
        s.phase = "mask";
        s.totalEpochs = settings.maxEpochs;
    });
    for (int epoch = 1; epoch <= settings.maxEpochs; ++epoch) {
        update([&](Snapshot& s) { s.epoch = epoch; });
        const auto result =
            espn->trainEpoch(data.train, generator, [&](const BatchProgress& p) { batchFinished(p); });
        const auto test = espn->evaluateMasked(data.test);
        EpochRecord record{"mask", round, epoch, settings.maskLr, result.stats.loss, result.stats.accuracy,
                           test.loss, test.accuracy};
        // The sparsity a mask-discovery epoch implies: entries of c at or below τ.
        record.sparsity = 1.0 - double(result.alive) / double(espn->totalEntries());
        record.branch = branch;
        record.position = ++position;
        record.seconds = result.stats.seconds;
        record.samplesPerSecond = result.stats.samplesPerSecond;
        update([&](Snapshot& s) { s.epochs.push_back(record); });
        std::ostringstream line;
        line.setf(std::ios::fixed);
        line.precision(2);
        line << "mask epoch " << epoch << ": " << result.alive << " of " << espn->totalEntries() << " c > tau (implied "
             << 100.0 * record.sparsity << " % sparsity, target " << 100.0 * (1.0 - density)
             << " %), test accuracy of W*c " << 100.0 * test.accuracy << " %";
        log(line.str());
        publish(true);
        safePoint();
        if (result.alive <= target) {
            event("ESPN mask found after " + std::to_string(epoch) + " mask epochs");
            return espn;
        }
    }
    event("warning: ESPN reached max_mask_epochs (" + std::to_string(settings.maxEpochs) +
          ") before the count of c > tau fell to the target; the mask is the top-k of |c| anyway");
    return espn;
}


std::vector<std::string> Session::Impl::commitMasks(int round, const std::vector<torch::Tensor>& scores, double density,
                                                   EspnMaskDiscovery* espn, RoundRecord& record)
{
    std::vector<std::string> names;
    for (const auto& t : masks.tensors())
        names.push_back(t.name);
    auto next = selectMasks(scores, masks.masks(), density, recipe.allocation == "global", constraints, names);
    record.maskChecksum = agreeOnMasks(round, next);
    const auto checksStart = Clock::now();
    if (constraints.keepOnePerLayer) {
        // Which layers did the clamp save? The same selection without it tells.
        auto unclamped = constraints;
        unclamped.keepOnePerLayer = false;
        const auto plain = selectMasks(scores, masks.masks(), density, recipe.allocation == "global", unclamped, names);
        for (std::size_t i = 0; i < plain.size(); ++i)
            if (!plain[i].any().item<bool>() && next[i].any().item<bool>())
                warnCollapse(round, names[i], "clamped",
                             "round " + std::to_string(round) + " would have emptied " + names[i] +
                                 "; collapse_policy \"clamp\" kept " + std::to_string(next[i].sum().item<std::int64_t>()) +
                                 " of its weights");
    }

    // Dry run: a layer left with no weight while others keep some is layer collapse.
    std::vector<std::string> collapsed;
    std::int64_t keptTotal = 0;
    for (std::size_t i = 0; i < next.size(); ++i) {
        const auto k = next[i].sum().item<std::int64_t>();
        keptTotal += k;
        if (k == 0)
            collapsed.push_back(names[i]);
    }
    if (!collapsed.empty() && keptTotal > 0) {
        std::string list;
        for (const auto& n : collapsed)
            list += (list.empty() ? "" : ", ") + n;
        const std::string blocked = "round " + std::to_string(round) + " would prune every weight of " + list +
                                    " (layer collapse); collapse_policy \"block\" stopped it — set floors, use "
                                    "layerwise allocation or collapse_policy \"clamp\"";
        if (recipe.collapsePolicy == "block") {
            for (const auto& n : collapsed)
                warnCollapse(round, n, "blocked", blocked);
            refuseRound(round, blocked);
        }
        for (const auto& n : collapsed)
            warnCollapse(round, n, "allowed", "layer collapse in round " + std::to_string(round) + ": " + n +
                                                  " lost every weight (collapse_policy \"" + recipe.collapsePolicy + "\")");
    }
    // Dry run of the paths: with every layer non-empty the network can still be cut in two.
    const auto connectivity = analyseConnectivity(model, names, next);
    if (!connectivity.outputReachable && keptTotal > 0) {
        const std::string noPath = "round " + std::to_string(round) +
                                   " would leave no path from the input to the output (layer collapse)";
        if (recipe.collapsePolicy == "block") {
            const std::string blocked = noPath + "; collapse_policy \"block\" stopped it — lower the target sparsity, "
                                                 "set floors or use layerwise allocation";
            warnCollapse(round, "", "blocked", blocked);
            refuseRound(round, blocked);
        }
        warnCollapse(round, "", "allowed", "round " + std::to_string(round) + " leaves no path from the input to the output");
    }
    record.disconnected = !connectivity.outputReachable;
    auto checksSeconds = std::chrono::duration<double>(Clock::now() - checksStart).count();
    if (espn && recipe.method == "espn-finetune")
        espn->foldInto(model, masks); // ESPN-Rewind keeps the warm-up weights instead
    previousMasks = cloneTensors(masks.masks());
    masks.setMasks(std::move(next));
    if (recipe.method == "imp") {
        // Lottery-ticket rewinding: survivors go back to their weights at the rewind point.
        restoreModuleState(rewindState);
    }
    masks.applyToWeights();
    effectiveCache = connectivity.effectiveKept;
    refreshKept();
    lastScores = scores;
    {
        std::lock_guard lock(snapshotMutex);
        updateCounts();
        record.effectiveSparsity = current.effectiveSparsity;
    }
    const auto histogramsStart = Clock::now();
    auto layers = layerStats();
    for (std::size_t i = 0; i < layers.size(); ++i)
        layers[i].histogram = makeSaliencyHistogram(scores[i], masks.mask(i));
    update([&](Snapshot& s) { s.layers = std::move(layers); });
    checksSeconds += std::chrono::duration<double>(Clock::now() - histogramsStart).count();
    record.checkSeconds += checksSeconds;
    return collapsed;
}

std::vector<torch::Tensor> Session::Impl::roundScores(torch::Generator& rng)
{
    if (recipe.method == "imp")
        return magnitudeScores();
    ScoringContext context{model, masks, data.train, recipe.scoring, rng, recipe.methodParams};
    return computeScores(recipe.method, context);
}

void Session::Impl::previewThresholds()
{
    const int next = roundsStarted + 1;
    std::vector<double> thresholds(masks.size(), std::numeric_limits<double>::quiet_NaN());
    if (!isEspnMethod(recipe.method) && recipe.method != "gmp" && recipe.method != "none" && next <= recipe.rounds) {
        // A what-if: scoring may touch gradients, buffers and the generator; all of it is put back.
        const auto saved = moduleState();
        torch::Generator rng = generator.clone();
        const auto scores = roundScores(rng);
        restoreModuleState(saved);
        const double density = scheduledDensity(recipe.schedule, next, recipe.rounds, 1.0 - recipe.targetSparsity);
        std::vector<std::string> names;
        for (const auto& t : masks.tensors())
            names.push_back(t.name);
        const auto nextMasks =
            selectMasks(scores, masks.masks(), density, recipe.allocation == "global", constraints, names);
        for (std::size_t i = 0; i < nextMasks.size(); ++i)
            thresholds[i] = makeSaliencyHistogram(scores[i], nextMasks[i]).threshold;
    }
    update([&](Snapshot& s) {
        s.previewRound = next;
        s.previewThresholds = thresholds;
    });
    publish(true);
}

void Session::Impl::previewAccuracy(const std::string& method, double sparsity)
{
    PreviewSettings settings;
    settings.method = method;
    settings.sparsity = sparsity;
    settings.global = recipe.allocation == "global";
    settings.constraints = constraints;
    settings.scoring = recipe.scoring;
    if (method == recipe.method)
        settings.methodParams = recipe.methodParams;
    try {
        const auto outcome = previewPruning(model, masks, settings, data.train, data.test, generator);
        PreviewPoint point{roundsStarted, method, outcome.sparsity, outcome.testAccuracy};
        update([&](Snapshot& s) { s.previewPoints.push_back(point); });
        std::ostringstream line;
        line << "preview: " << method << " at " << 100.0 * outcome.sparsity << " % sparsity would give "
             << 100.0 * outcome.testAccuracy << " % test accuracy before training (nothing changed)";
        log(line.str());
    } catch (const std::exception& e) {
        log(std::string("preview failed: ") + e.what());
    }
    publish(true);
}

void Session::Impl::scanLayers(const SensitivitySettings& settings)
{
    update([&](Snapshot& s) {
        s.sensitivity.running = true;
        s.sensitivity.done = 0;
        s.sensitivity.total = int(masks.size() * settings.sparsities.size());
        s.sensitivity.round = roundsStarted;
        s.sensitivity.message.clear();
    });
    publish(true);
    std::string message;
    std::optional<SensitivityTable> table;
    try {
        table = scanSensitivity(
            model, masks, data.train, data.test, settings, generator,
            [this](int done, int total) {
                update([&](Snapshot& s) {
                    s.sensitivity.done = done;
                    s.sensitivity.total = total;
                });
                publish(false);
            },
            &scanCancel);
        log(table->fromCache ? "sensitivity scan: this model state was scanned before; the table comes from the cache"
                             : "sensitivity scan finished");
    } catch (const Cancelled&) {
        message = "sensitivity scan cancelled";
    } catch (const std::exception& e) {
        message = std::string("sensitivity scan failed: ") + e.what();
    }
    if (!message.empty())
        log(message);
    update([&](Snapshot& s) {
        s.sensitivity.running = false;
        s.sensitivity.message = message;
        if (table) {
            s.sensitivity.table = std::move(table);
            s.sensitivity.done = s.sensitivity.total;
        }
    });
    publish(true);
}

std::vector<torch::Tensor> Session::Impl::magnitudeScores() const
{
    std::vector<torch::Tensor> scores;
    for (const auto& t : masks.tensors())
        scores.push_back(t.weight.detach().abs());
    return scores;
}

void Session::Impl::pruneRound(int round, const PhaseResume* resumeIn)
{
    const auto start = Clock::now();
    roundsStarted = round;
    const double density = scheduledDensity(recipe.schedule, round, recipe.rounds, 1.0 - recipe.targetSparsity);
    update([&](Snapshot& s) {
        s.phase = "scoring";
        s.round = round;
        s.previewRound = 0; // the previewed round is here: its real threshold replaces the preview
        s.previewThresholds.clear();
    });
    publish(true);

    RoundRecord record;
    record.round = round;
    record.targetSparsity = 1.0 - density;
    if (resumeIn)
        record = resumeIn->record;
    TrainSettings settings = recipe.train;
    if (round != recipe.rounds)
        settings.epochs = recipe.roundEpochs;
    const std::string phase = round == recipe.rounds ? "finetune" : "round";

    // The channel cut opens round 1, before any method (GMP included) prunes what it leaves.
    if (!resumeIn && round == 1 && recipe.channels.enabled() && removedChannelClasses.empty())
        event(cutChannels(round));
    if (recipe.method == "gmp") {
        pruneGradually(round, settings, record, resumeIn);
    } else if (resumeIn) {
        // The mask of this round was chosen before the session was saved: only training is left.
        trainPhase(phase, round, settings, &record, resumeIn->nextEpoch, {}, resumeIn);
    } else {
        std::unique_ptr<EspnMaskDiscovery> espn;
        std::vector<torch::Tensor> scores;
        const auto scoringStart = Clock::now();
        if (recipe.method == "none") {
            // The cut was the pruning; what follows is its fine-tuning.
        } else if (isEspnMethod(recipe.method)) {
            espn = discoverEspnMask(round, density);
            scores = espn->scores();
        } else {
            scores = roundScores(generator);
        }
        const auto scored = Clock::now();
        if (recipe.method != "none")
            record.collapsedLayers = int(commitMasks(round, scores, density, espn.get(), record).size());
        record.scoreSeconds = std::chrono::duration<double>(scored - scoringStart).count();
        record.maskSeconds = std::chrono::duration<double>(Clock::now() - scored).count() - record.checkSeconds;
        record.sparsity = masks.sparsity();
        if (recipe.method == "none") {
            record.targetSparsity = record.sparsity; // the cut decides it
        } else {
            std::ostringstream line;
            line.setf(std::ios::fixed);
            line.precision(2);
            line << "round " << round << "/" << recipe.rounds << ": " << recipe.method << " pruned to "
                 << 100.0 * masks.sparsity() << " % sparsity (target " << 100.0 * (1.0 - density) << " %)";
            event(line.str());
        }
        publish(true);
        // IMP replays the training schedule from the rewind point.
        const int startEpoch = recipe.method == "imp" ? impSettingsFrom(recipe.methodParams).rewindEpoch : 0;
        trainPhase(phase, round, settings, &record, startEpoch);
    }

    record.sparsity = masks.sparsity();
    const bool skipEvaluation = hooks && !hooks->evaluateUntrainedRounds && round != recipe.rounds &&
                                settings.epochs == 0 && recipe.method != "gmp";
    if (skipEvaluation) {
        record.testAccuracy = record.testLoss = std::numeric_limits<double>::quiet_NaN();
        if (data.validation.size() > 0)
            record.validationAccuracy = std::numeric_limits<double>::quiet_NaN();
    } else {
        const auto test = evaluate(model, data.test);
        record.testAccuracy = test.accuracy;
        record.testLoss = test.loss;
        record.bestTestAccuracy = std::max(record.bestTestAccuracy, test.accuracy);
        if (data.validation.size() > 0)
            record.validationAccuracy = evaluate(model, data.validation).accuracy;
    }
    record.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    record.branch = branch;
    record.position = position;
    update([&](Snapshot& s) { s.rounds.push_back(record); });
    saveRoundState(round);
    publish(true);
    control.roundFinished();
    safePoint();
}

void Session::Impl::pruneGradually(int round, const TrainSettings& settings, RoundRecord& record,
                                   const PhaseResume* resumeIn)
{
    const auto gmp = gmpSettingsFrom(recipe.methodParams);
    const std::int64_t stepsPerEpoch = (data.train.size() + settings.batch - 1) / settings.batch;
    const std::int64_t totalSteps = stepsPerEpoch * settings.epochs;
    const std::int64_t pruningSteps =
        gmp.steps > 0 ? gmp.steps : std::max<std::int64_t>(1, (totalSteps * 3 / 4 - gmp.startStep) / gmp.frequency);
    if (gmp.startStep + pruningSteps * gmp.frequency > totalSteps)
        throw InputError("method_params: gmp's last pruning step (start_step + steps * frequency = " +
                         std::to_string(gmp.startStep + pruningSteps * gmp.frequency) + ") lies beyond the " +
                         std::to_string(totalSteps) + " optimizer steps of train.epochs");
    // A member, not a local: session.h5 saves it with the epoch it belongs to.
    std::int64_t& nextPruning = gmpNextPruning;
    nextPruning = resumeIn ? resumeIn->gmpNextPruning : 0;
    auto prune = [&](Trainer& trainer, std::int64_t step) {
        // Pruning step j happens after optimizer step t0 + jΔt (the first one after step max(1, t0)).
        if (nextPruning > pruningSteps || step < gmp.startStep + nextPruning * gmp.frequency)
            return;
        const double sparsity = gmpSparsity(gmp, recipe.targetSparsity, nextPruning, pruningSteps);
        record.collapsedLayers = std::max<int>(
            record.collapsedLayers, int(commitMasks(round, magnitudeScores(), 1.0 - sparsity, nullptr, record).size()));
        trainer.onMasksChanged();
        std::ostringstream line;
        line.setf(std::ios::fixed);
        line.precision(2);
        line << "gmp step " << nextPruning << "/" << pruningSteps << " at optimizer step " << step << ": "
             << 100.0 * masks.sparsity() << " % sparsity";
        if (nextPruning == 0 || nextPruning == pruningSteps)
            event(line.str());
        else
            log(line.str());
        ++nextPruning;
    };
    trainPhase("finetune", round, settings, &record, resumeIn ? resumeIn->nextEpoch : 0, prune, resumeIn);
    if (nextPruning <= pruningSteps)
        throw std::logic_error("gmp schedule did not complete");
}

} // namespace espalier::core
