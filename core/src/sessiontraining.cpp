// Training phases of a session: pretraining, training between rounds and fine-tuning.
#include "sessionimpl.h"

namespace espalier::core {

EpochRecord Session::Impl::trainPhase(const std::string& phase, int round, const TrainSettings& settings,
                                      RoundRecord* roundRecord, int startEpoch, const StepHook& onStep,
                                      const PhaseResume* resumeIn)
{
    EpochRecord last;
    if (settings.epochs <= startEpoch)
        return last;
    Trainer trainer(model, masks, settings);
    trainer.setBatchSplit(parallel.get(), recipe.microBatches);
    trainer.onMasksChanged();
    // Network slimming trains the dense model with an L1 penalty on BatchNorm γ before the cut.
    if (phase == "pretrain" && recipe.channels.method == "slimming" && recipe.channels.penalty > 0)
        trainer.setL1Penalty(slimmingPenaltyTensors(), recipe.channels.penalty);
    if (resumeIn)
        trainer.setOptimizerState(resumeIn->optimizer); // momentum continues as if never stopped
    update([&](Snapshot& s) {
        s.phase = phase;
        s.totalEpochs = settings.epochs;
    });
    std::int64_t step = resumeIn ? resumeIn->steps : 0;
    for (int epoch = startEpoch; epoch < settings.epochs; ++epoch) {
        update([&](Snapshot& s) { s.epoch = epoch + 1; });
        const auto stats = trainer.trainEpoch(epoch, data.train, generator, [&](const BatchProgress& p) {
            if (onStep)
                onStep(trainer, ++step);
            batchFinished(p);
        });
        shareBatchNormStatistics();
        const auto test = evaluate(model, data.test);
        EpochRecord record{phase, round, epoch + 1, trainer.learningRate(epoch), stats.loss, stats.accuracy,
                           test.loss, test.accuracy};
        if (data.validation.size() > 0)
            record.validationAccuracy = evaluate(model, data.validation).accuracy;
        record.sparsity = masks.sparsity();
        record.seconds = stats.seconds;
        record.samplesPerSecond = stats.samplesPerSecond;
        record.branch = branch;
        record.position = ++position;
        std::int64_t drift = 0;
        for (std::size_t i = 0; i < masks.size(); ++i)
            drift += masks.drift(i);
        if (drift > 0)
            event("mask drift: " + std::to_string(drift) + " masked weights are non-zero after " + phase + " epoch " +
                  std::to_string(epoch + 1));
        update([&](Snapshot& s) { s.epochs.push_back(record); });
        if (roundRecord) {
            roundRecord->bestTestAccuracy = std::max(roundRecord->bestTestAccuracy, test.accuracy);
            roundRecord->trainLoss = stats.loss;
        }
        std::ostringstream line;
        line.setf(std::ios::fixed);
        line.precision(4);
        line << phase << " epoch " << epoch + 1 << "/" << settings.epochs << ": loss " << stats.loss;
        line.precision(2);
        line << ", test accuracy " << 100.0 * test.accuracy << " %, " << stats.samplesPerSecond << " samples/s";
        log(line.str());
        last = record;
        publish(true);
        // IMP rewinds to the weights after this pretraining epoch.
        if (phase == "pretrain" && recipe.method == "imp" && epoch + 1 == impSettingsFrom(recipe.methodParams).rewindEpoch)
            rewindState = moduleState();
        markPhasePoint(phase, round, epoch + 1, step, roundRecord, trainer);
        safePoint();
    }
    return last;
}

std::vector<torch::Tensor> Session::Impl::moduleState() const
{
    std::vector<torch::Tensor> state;
    for (const auto& p : model.module.named_parameters(/*recurse=*/true))
        state.push_back(p.value.detach().clone());
    for (const auto& b : model.module.named_buffers(/*recurse=*/true))
        state.push_back(b.value.detach().clone());
    return state;
}

void Session::Impl::restoreModuleState(const std::vector<torch::Tensor>& state)
{
    torch::NoGradGuard noGrad;
    std::size_t i = 0;
    for (const auto& p : model.module.named_parameters(/*recurse=*/true))
        p.value.copy_(state.at(i++));
    for (const auto& b : model.module.named_buffers(/*recurse=*/true))
        b.value.copy_(state.at(i++));
}

} // namespace espalier::core
