#include "espalier/core/savedreport.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "espalier/core/errors.h"
#include "reportfile.h"

namespace espalier::core {

namespace {

Snapshot snapshotOf(ReportContent& content)
{
    Snapshot s;
    s.state = SessionState::Finished;
    s.phase = "report";
    s.layers = std::move(content.layers);
    s.epochs = std::move(content.epochs);
    s.rounds = std::move(content.rounds);
    s.events = std::move(content.events);
    // The report stores no positions: epochs are one line of history, in the order they ran.
    for (std::size_t i = 0; i < s.epochs.size(); ++i)
        s.epochs[i].position = int(i) + 1;
    for (RoundRecord& r : s.rounds) {
        for (const EpochRecord& e : s.epochs)
            if (e.phase != "pretrain" && e.round <= r.round)
                r.position = e.position;
    }
    s.round = s.rounds.empty() ? 0 : s.rounds.back().round;
    s.totalRounds = s.round;
    s.targetSparsity = s.rounds.empty() ? 0.0 : s.rounds.back().targetSparsity;
    s.sparsity = content.finalSparsity;
    s.effectiveSparsity = content.finalEffectiveSparsity;
    for (const LayerStats& layer : s.layers) {
        s.prunableWeights += layer.numel;
        s.keptWeights += layer.kept;
    }
    return s;
}

} // namespace

const LayerTensors* SavedReport::mask(const std::string& name) const
{
    const auto it =
        std::find_if(masks.begin(), masks.end(), [&](const LayerTensors& m) { return m.name == name; });
    return it == masks.end() ? nullptr : &*it;
}

double SavedReport::denseAccuracy() const
{
    double accuracy = std::numeric_limits<double>::quiet_NaN();
    for (const EpochRecord& e : snapshot.epochs)
        if (e.phase == "pretrain")
            accuracy = e.testAccuracy;
    return accuracy;
}

SavedReport openSavedReport(const std::string& path)
{
    LoadedReport loaded;
    try {
        loaded = readReport(path);
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& error) {
        // HDF5 read failures deep in a truncated file: still the user's file, still named.
        const std::string what = error.what();
        throw InputError(what.find(path) == std::string::npos ? path + ": " + what : what);
    }
    ReportContent& content = loaded.content;
    SavedReport report;
    report.path = path;
    report.recipeJson = std::move(content.recipeJson);
    report.model = std::move(content.model);
    report.dataset = std::move(content.dataset);
    report.method = std::move(content.method);
    report.seed = content.seed;
    report.finalTestAccuracy = content.finalTestAccuracy;
    report.espalierVersion = std::move(loaded.espalierVersion);
    report.createdUtc = std::move(loaded.createdUtc);
    for (MaskData& mask : content.masks) {
        LayerTensors tensors;
        tensors.name = std::move(mask.name);
        tensors.shape = std::move(mask.shape);
        tensors.mask = std::move(mask.mask);
        tensors.round = content.rounds.empty() ? 0 : content.rounds.back().round;
        report.masks.push_back(std::move(tensors));
    }
    report.snapshot = snapshotOf(content);
    return report;
}

} // namespace espalier::core
