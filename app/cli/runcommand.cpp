#include <filesystem>
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

int runCommand(const RunOptions& options)
{
    namespace fs = std::filesystem;
    auto recipe = core::loadRecipeFile(options.recipe, options.sets);
    const fs::path out = options.out.empty() ? fs::path("runs") / fs::path(options.recipe).stem() : fs::path(options.out);
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec)
        throw core::InputError("cannot create output folder " + out.string() + ": " + ec.message());

    std::ostream& progress = options.json ? std::cerr : std::cout;
    core::Session session(recipe);
    const auto reportPath = (out / "report.h5").string();
    // The report is rewritten after every round so that a crashed or stopped run still leaves a
    // valid report of the rounds it finished.
    runWithProgress(session, progress, isTerminal(options.json ? 2 : 1), [&] { session.saveReport(reportPath); });
    session.saveReport(reportPath);
    session.saveModel((out / "model.pt").string());
    session.saveMasks((out / "masks.h5").string(), options.saveScores);
    session.saveSparseCheckpoint((out / "checkpoint.h5").string());
    session.saveLayerCsv((out / "layers.csv").string());

    const auto snapshot = session.snapshot();
    const double finalAccuracy = snapshot.rounds.empty() ? 0.0 : snapshot.rounds.back().testAccuracy;
    if (options.json) {
        nlohmann::json result{{"recipe", options.recipe}, {"out", out.string()}, {"sparsity", snapshot.sparsity},
                              {"effective_sparsity", snapshot.effectiveSparsity},
                              {"prunable_weights", snapshot.prunableWeights}, {"kept_weights", snapshot.keptWeights},
                              {"final_test_accuracy", finalAccuracy}, {"layers", layersJson(snapshot.layers)},
                              {"rounds", roundsJson(snapshot.rounds)}, {"epochs", epochsJson(snapshot.epochs)},
                              {"events", snapshot.events}};
        std::cout << result.dump(2) << "\n";
        return 0;
    }
    std::cout << "\n" << layerTable(snapshot.layers) << "\n" << roundTable(snapshot.rounds) << "\n";
    std::cout << "sparsity " << percent(snapshot.sparsity) << ", effective " << percent(snapshot.effectiveSparsity) << " ("
              << snapshot.keptWeights << " of "
              << snapshot.prunableWeights << " prunable weights kept), final test accuracy " << percent(finalAccuracy)
              << "\n";
    std::cout << "wrote " << reportPath << ", " << (out / "model.pt").string() << ", " << (out / "masks.h5").string()
              << ", " << (out / "checkpoint.h5").string() << ", " << (out / "layers.csv").string() << "\n";
    return 0;
}

} // namespace espalier::cli
