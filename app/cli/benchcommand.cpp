// `espalier-cli bench`: what pruning buys at inference, measured side by side in one process.
#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "espalier/core/bench.h"
#include "modelrequest.h"

namespace espalier::cli {
namespace {

std::string fixed(double value, int decimals)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

nlohmann::json rowJson(const core::BenchRow& row)
{
    auto latency = nlohmann::json::array();
    for (const auto& l : row.latency) {
        auto layers = nlohmann::json::array();
        for (const auto& layer : l.layers)
            layers.push_back({{"layer", layer.layer},
                              {"density", layer.density},
                              {"dense_ms", layer.denseMs},
                              {"sparse_ms", std::isnan(layer.sparseMs) ? nlohmann::json(nullptr) : nlohmann::json(layer.sparseMs)},
                              {"sparse", layer.sparse}});
        latency.push_back({{"batch", l.batch},
                           {"dense_ms", l.denseMs},
                           {"sparse_ms", l.sparseMs},
                           {"speedup", l.denseMs / l.sparseMs},
                           {"sparse_layers", l.sparseLayers},
                           {"layers", layers}});
    }
    return {{"sparsity", row.sparsity},         {"parameters", row.parameters},
            {"nonzeros", row.nonzeros},         {"dense_bytes", row.denseBytes},
            {"compressed_bytes", row.compressedBytes}, {"macs", row.macs},
            {"nonzero_macs", row.nonzeroMacs},  {"max_logit_difference", row.maxDifference},
            {"latency", latency}};
}

} // namespace

int benchCommand(const BenchOptions& options)
{
    const auto recipe = modelRequest(options.model, options.weights, options.data, options.dataRoot, "bench options");
    core::BenchRequest request;
    request.model = recipe.model;
    request.data = recipe.data;
    request.sparsities = options.sparsities;
    request.layerwise = options.layerwise;
    request.batches = options.batches;
    request.repeats = options.repeats;
    request.threads = options.threads;
    const auto result = core::runBench(request);

    if (options.json) {
        auto rows = nlohmann::json::array();
        for (const auto& row : result.rows)
            rows.push_back(rowJson(row));
        std::cout << nlohmann::json{{"model", result.model}, {"threads", result.threads}, {"rows", rows}}.dump(2) << "\n";
        return 0;
    }
    std::cout << result.model << ", " << result.threads << " threads; latency is the median of " << options.repeats
              << " forward passes, dense and sparse taking turns\n\n";
    std::cout << "sparsity  nonzeros/params     bytes dense → compressed   MACs dense → nonzero   max |Δ|";
    for (const auto& l : result.rows.front().latency)
        std::cout << "   batch " << l.batch << ": dense → sparse ms (speed-up)";
    std::cout << "\n";
    for (const auto& row : result.rows) {
        std::cout << fixed(100.0 * row.sparsity, 2) << " %   " << row.nonzeros << "/" << row.parameters << "   "
                  << row.denseBytes << " → " << row.compressedBytes << "   " << row.macs << " → " << row.nonzeroMacs
                  << "   " << fixed(row.maxDifference, 7);
        for (const auto& l : row.latency)
            std::cout << "   " << fixed(l.denseMs, 3) << " → " << fixed(l.sparseMs, 3) << " ("
                      << fixed(l.denseMs / l.sparseMs, 2) << "×, " << l.sparseLayers << " sparse layers)";
        std::cout << "\n";
    }
    return 0;
}

} // namespace espalier::cli
