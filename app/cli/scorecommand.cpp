#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "espalier/core/errors.h"
#include "espalier/core/recipe.h"
#include "espalier/core/session.h"
#include "progressprinter.h"
#include "resulttables.h"
#include "sessionrunner.h"

namespace espalier::cli {
namespace {

constexpr int kSynflowRounds = 100;

// --param key=value → {"key": value}; values are numbers like every recipe method_params entry.
nlohmann::json methodParams(const std::vector<std::string>& params)
{
    auto out = nlohmann::json::object();
    for (const auto& p : params) {
        const auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0)
            throw core::InputError("--param " + p + ": expected key=value, e.g. --param temperature=200");
        const std::string value = p.substr(eq + 1);
        std::size_t used = 0;
        double number = 0.0;
        try {
            number = std::stod(value, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != value.size())
            throw core::InputError("--param " + p + ": the value must be a number");
        out[p.substr(0, eq)] = number;
    }
    return out;
}

} // namespace

int scoreCommand(const ScoreOptions& options)
{
    if (options.structured)
        return structuredScoreCommand(options);
    if (options.saveScores && options.out.empty())
        throw core::InputError("--save-scores needs --out FILE.h5");

    // Scoring is a session without training: no pretraining, no epochs between or after rounds.
    core::Recipe recipe;
    recipe.model.name = options.model;
    recipe.data.name = options.data;
    recipe.data.root = options.dataRoot;
    recipe.method = options.method;
    recipe.targetSparsity = options.sparsity;
    // SynFlow is iterative by definition (100 rounds in the paper); the other scorers are one-shot.
    recipe.rounds = options.rounds.value_or(options.method == "synflow" ? kSynflowRounds : 1);
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
    request["method_params"] = methodParams(options.params);
    recipe = core::parseRecipe(request.dump(), "score options");

    std::ostream& progress = options.json ? std::cerr : std::cout;
    core::Session session(recipe);
    core::SessionHooks settings;
    settings.evaluateUntrainedRounds = false; // only the last round's accuracy is reported
    runWithProgress(session, progress, isTerminal(options.json ? 2 : 1), {}, settings);
    if (!options.out.empty())
        session.saveMasks(options.out, options.saveScores);
    if (!options.exportPath.empty())
        session.saveModel(options.exportPath);
    if (!options.exportSparse.empty())
        session.saveSparseCheckpoint(options.exportSparse);

    const auto s = session.snapshot();
    const double accuracy = s.rounds.empty() ? 0.0 : s.rounds.back().testAccuracy;
    bool collapsed = !s.rounds.empty() && s.rounds.back().disconnected;
    for (const auto& layer : s.layers)
        collapsed = collapsed || layer.collapsed;
    // The session times each round's scoring and mask selection itself (steady_clock), so model
    // and data loading, the per-round test evaluation and the printing are not counted.
    double scoreSeconds = 0.0;
    double maskSeconds = 0.0;
    double checkSeconds = 0.0;
    for (const auto& round : s.rounds) {
        scoreSeconds += round.scoreSeconds;
        maskSeconds += round.maskSeconds;
        checkSeconds += round.checkSeconds;
    }
    if (options.json) {
        nlohmann::json result{{"model", options.model}, {"method", options.method}, {"sparsity", s.sparsity},
                              {"effective_sparsity", s.effectiveSparsity}, {"collapsed", collapsed},
                              {"prunable_weights", s.prunableWeights}, {"kept_weights", s.keptWeights},
                              {"test_accuracy_without_training", accuracy},
                              {"score_seconds", scoreSeconds + maskSeconds + checkSeconds},
                              {"score_seconds_parts",
                               {{"scores", scoreSeconds}, {"masks", maskSeconds}, {"checks", checkSeconds}}},
                              {"layers", layersJson(s.layers)}};
        std::cout << result.dump(2) << "\n";
        return 0;
    }
    std::cout << "\n" << layerTable(s.layers) << "\nsparsity " << percent(s.sparsity) << " (effective "
              << percent(s.effectiveSparsity) << (collapsed ? ", COLLAPSED" : "") << "), test accuracy without training "
              << percent(accuracy) << "\n";
    return 0;
}

} // namespace espalier::cli
