#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "espalier/core/errors.h"
#include "espalier/core/evaluation.h"
#include "espalier/core/recipe.h"
#include "resulttables.h"

namespace espalier::cli {

int evalCommand(const EvalOptions& options)
{
    if (options.previewSparsity)
        throw core::InputError("--preview-sparsity: what-if previews are not available in this build yet");
    if (options.logits.empty() != (options.samples == 0))
        throw core::InputError("--logits FILE and --samples N go together");
    nlohmann::json request{{"model", {{"name", options.model}}}, {"data", {{"name", options.data}}}};
    if (!options.dataRoot.empty())
        request["data"]["root"] = options.dataRoot;
    if (!options.weights.empty())
        request["model"]["weights"] = options.weights;
    const auto recipe = core::parseRecipe(request.dump(), "eval options");
    const auto result = core::evaluateModel(recipe.model, recipe.data, recipe.seed, recipe.threads,
                                            {options.logits, options.samples});
    if (options.json) {
        nlohmann::json out{{"model", result.model}, {"dataset", result.dataset}, {"test_accuracy", result.testAccuracy},
                           {"test_loss", result.testLoss}, {"samples", result.samples}, {"sparsity", result.sparsity},
                           {"layers", layersJson(result.layers)}};
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::cout << result.model << " on " << result.dataset << "\n\n" << layerTable(result.layers) << "\n"
              << "sparsity " << percent(result.sparsity) << " (weights exactly zero), test accuracy "
              << percent(result.testAccuracy) << ", test loss " << result.testLoss << " (" << result.samples
              << " samples)\n";
    return 0;
}

} // namespace espalier::cli
