// `espalier-cli sensitivity`: which layers can take how much pruning, one layer at a time.
#include <cstdio>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "espalier/core/recipe.h"
#include "espalier/core/sensitivity.h"
#include "modelrequest.h"
#include "resulttables.h"

namespace espalier::cli {
namespace {

std::string cell(double fraction)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%8.2f", 100.0 * fraction);
    return buffer;
}

} // namespace

int sensitivityCommand(const SensitivityOptions& options)
{
    const auto recipe =
        modelRequest(options.model, options.weights, options.data, options.dataRoot, "sensitivity options");
    core::SensitivitySettings settings;
    settings.method = options.method;
    settings.sparsities = options.sparsities;
    settings.testSamples = options.testSamples;

    std::ostream& progress = options.json ? std::cerr : std::cout;
    const auto table = core::scanModelSensitivity(
        recipe.model, recipe.data, recipe.seed, recipe.threads, settings,
        [&progress](int done, int total) {
            if (done == total || done % 10 == 0)
                progress << "scanned " << done << " of " << total << " cells\n" << std::flush;
        });
    // Ctrl-C simply ends the process: a scan writes nothing that could be left half done.
    const auto floors = core::floorsFromSensitivity(table, options.maxDrop);

    if (options.json) {
        nlohmann::json layers = nlohmann::json::array();
        for (std::size_t l = 0; l < table.layers.size(); ++l)
            layers.push_back({{"layer", table.layers[l]}, {"accuracy", table.accuracy[l]}});
        nlohmann::json floorsJson = nlohmann::json::object();
        for (const auto& [name, density] : floors)
            floorsJson[name] = density;
        std::cout << nlohmann::json{{"method", settings.method},
                                    {"sparsities", table.sparsities},
                                    {"base_accuracy", table.baseAccuracy},
                                    {"layers", layers},
                                    {"max_drop", options.maxDrop},
                                    {"floors", floorsJson}}
                         .dump(2)
                  << "\n";
        return 0;
    }
    std::size_t width = 5;
    for (const auto& name : table.layers)
        width = std::max(width, name.size());
    std::ostringstream out;
    out << "test accuracy (%) with only that layer pruned by " << settings.method << "; as it is: "
        << percent(table.baseAccuracy) << "\n\n"
        << std::string(width, ' ');
    for (double s : table.sparsities)
        out << cell(s) << "%";
    out << "\n";
    for (std::size_t l = 0; l < table.layers.size(); ++l) {
        out << table.layers[l] << std::string(width - table.layers[l].size(), ' ');
        for (double a : table.accuracy[l])
            out << cell(a) << " ";
        out << "\n";
    }
    out << "\nfloors that keep each layer within " << 100.0 * options.maxDrop << " points (recipe \"floors\"):";
    if (floors.empty())
        out << " none needed";
    out << "\n";
    for (const auto& [name, density] : floors)
        out << "  " << name << ": " << density << "\n";
    std::cout << out.str();
    return 0;
}

} // namespace espalier::cli
