#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "espalier/core/errors.h"
#include "espalier/core/recipe.h"
#include "espalier/core/session.h"
#include "progressprinter.h"
#include "resulttables.h"
#include "sessionrunner.h"

namespace espalier::cli {

int scoreCommand(const ScoreOptions& options)
{
    if (options.structured)
        throw core::InputError("--structured: structured (filter/channel) pruning is not available in this build yet");
    if (options.saveScores && options.out.empty())
        throw core::InputError("--save-scores needs --out FILE.h5");

    // Scoring is a session without training: no pretraining, no epochs between or after rounds.
    core::Recipe recipe;
    recipe.model.name = options.model;
    recipe.data.name = options.data;
    recipe.data.root = options.dataRoot;
    recipe.method = options.method;
    recipe.targetSparsity = options.sparsity;
    recipe.rounds = options.rounds;
    recipe.allocation = options.layerwise ? "layerwise" : "global";
    recipe.collapsePolicy = "proceed";
    recipe.pretrain.epochs = 0;
    recipe.train.epochs = 0;
    recipe.roundEpochs = 0;
    recipe.scoring.samples = options.samples;
    recipe.scoring.fileOrder = true;
    recipe.seed = options.seed;
    // Let the recipe parser fill the dataset's default folder and validate every value.
    auto request = nlohmann::json::parse(core::recipeToJson(recipe));
    if (options.dataRoot.empty())
        request["data"].erase("root");
    recipe = core::parseRecipe(request.dump(), "score options");

    std::ostream& progress = options.json ? std::cerr : std::cout;
    core::Session session(recipe);
    runWithProgress(session, progress, isTerminal(options.json ? 2 : 1));
    if (!options.out.empty())
        session.saveMasks(options.out, options.saveScores);
    if (!options.exportPath.empty())
        session.saveModel(options.exportPath);

    const auto s = session.snapshot();
    const double accuracy = s.rounds.empty() ? 0.0 : s.rounds.back().testAccuracy;
    if (options.json) {
        nlohmann::json result{{"model", options.model}, {"method", options.method}, {"sparsity", s.sparsity},
                              {"prunable_weights", s.prunableWeights}, {"kept_weights", s.keptWeights},
                              {"test_accuracy_without_training", accuracy}, {"layers", layersJson(s.layers)}};
        std::cout << result.dump(2) << "\n";
        return 0;
    }
    std::cout << "\n" << layerTable(s.layers) << "\nsparsity " << percent(s.sparsity) << ", test accuracy without training "
              << percent(accuracy) << "\n";
    return 0;
}

} // namespace espalier::cli
