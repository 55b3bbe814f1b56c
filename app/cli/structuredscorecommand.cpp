// `espalier-cli score --structured`: remove whole channels and report what the smaller model costs.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "espalier/core/errors.h"
#include "espalier/core/structured.h"
#include "resulttables.h"

namespace espalier::cli {
namespace {

std::string ratio(double a, double b)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2fx", b > 0.0 ? a / b : 0.0);
    return buffer;
}

std::string millis(double ms)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f ms", ms);
    return buffer;
}

} // namespace

int structuredScoreCommand(const ScoreOptions& options)
{
    // Options of the masking path mean nothing here; silently ignoring them would mislead.
    const std::pair<bool, const char*> unused[] = {
        {options.rounds.has_value(), "--rounds"},       {!options.out.empty(), "--out"},
        {options.saveScores, "--save-scores"},           {!options.exportSparse.empty(), "--export-sparse"},
        {!options.params.empty(), "--param"}};
    for (const auto& [given, name] : unused)
        if (given)
            throw core::InputError(std::string(name) + " does not apply to --structured (use --export and --channel-map)");
    core::StructuredRequest request;
    request.model.name = options.model;
    request.data.name = options.data;
    request.data.root = options.dataRoot;
    request.criterion = options.method;
    request.fraction = options.sparsity;
    // Network slimming thresholds |γ| over the whole network; the filter criteria go layer by layer.
    request.global = options.method == "slimming" && !options.layerwise;
    request.roundTo = options.roundTo;
    request.samples = options.samples;
    request.seed = options.seed;
    request.latencyBatch = options.latencyBatch;

    core::StructuredPruning pruning(request);
    if (!options.exportPath.empty())
        pruning.saveModel(options.exportPath);
    if (!options.channelMap.empty())
        pruning.saveChannelMap(options.channelMap);

    const auto& r = pruning.result();
    if (options.json) {
        const nlohmann::json out{{"model", r.model},
                                 {"dataset", r.dataset},
                                 {"criterion", r.criterion},
                                 {"allocation", request.global ? "global" : "layerwise"},
                                 {"prunable_channels", r.prunableChannels},
                                 {"removed_channels", r.removedChannels},
                                 {"parameters_before", r.parametersBefore},
                                 {"parameters_after", r.parametersAfter},
                                 {"predicted_parameters", r.predictedParameters},
                                 {"macs_before", r.macsBefore},
                                 {"macs_after", r.macsAfter},
                                 {"latency_batch", r.latencyBatch},
                                 {"latency_before_ms", r.latencyBeforeMs},
                                 {"latency_after_ms", r.latencyAfterMs},
                                 {"test_accuracy_before", r.accuracyBefore},
                                 {"test_accuracy_after_without_training", r.accuracyAfter},
                                 {"max_logit_difference_to_zeroed_dense", r.maxLogitDifference},
                                 {"layers", channelLayersJson(r.layers)}};
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::cout << channelTable(r.layers) << "\n"
              << "removed " << r.removedChannels << " of " << r.prunableChannels << " prunable channels ("
              << (request.global ? "global" : "per layer group") << " ranking by " << r.criterion << ")\n"
              << "parameters " << r.parametersBefore << " -> " << r.parametersAfter << " (predicted "
              << r.predictedParameters << "), " << ratio(double(r.parametersBefore), double(r.parametersAfter))
              << " smaller\n"
              << "multiply-accumulates per sample " << r.macsBefore << " -> " << r.macsAfter << ", "
              << ratio(double(r.macsBefore), double(r.macsAfter)) << " fewer\n"
              << "latency at batch " << r.latencyBatch << " (median, this machine) " << millis(r.latencyBeforeMs)
              << " -> " << millis(r.latencyAfterMs) << ", " << ratio(r.latencyBeforeMs, r.latencyAfterMs)
              << " faster\n"
              << "test accuracy " << percent(r.accuracyBefore) << " -> " << percent(r.accuracyAfter)
              << " before any fine-tuning\n";
    return 0;
}

} // namespace espalier::cli
