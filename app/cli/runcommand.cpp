#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "espalier/core/errors.h"
#include "espalier/core/recipe.h"
#include "espalier/core/session.h"
#include "liverunpublisher.h"
#include "progressprinter.h"
#include "resulttables.h"
#include "sessionrunner.h"

namespace espalier::cli {

namespace {

// A rank other than 0 of a distributed run: it trains and prunes in step with rank 0, which writes
// every file; it prints its own rounds (their mask checksums show that the ranks agreed).
int runAsPeer(core::Session& session, bool json, const core::DistributedSettings& distributed)
{
    core::SessionHooks settings;
    settings.distributed = distributed;
    runWithProgress(session, json ? std::cerr : std::cout, isTerminal(json ? 2 : 1), {}, settings);
    const auto snapshot = session.snapshot();
    if (json) {
        nlohmann::json result{{"rank", distributed.rank}, {"world_size", distributed.worldSize},
                              {"sparsity", snapshot.sparsity}, {"rounds", roundsJson(snapshot.rounds)},
                              {"events", snapshot.events}};
        std::cout << result.dump(2) << "\n";
        return 0;
    }
    std::cout << "\n" << roundTable(snapshot.rounds) << "\nrank " << distributed.rank << " of "
              << distributed.worldSize << " finished; rank 0 wrote the files\n";
    return 0;
}

// Runs `session` to its end, writing report.h5 and session.h5 after every round (a stopped or
// crashed run leaves both for its finished rounds), then model.pt and masks.h5.
int runToEnd(core::Session& session, const std::filesystem::path& out, const std::string& label, bool saveScores,
             bool json, const core::DistributedSettings& distributed)
{
    namespace fs = std::filesystem;
    if (distributed.rank != 0)
        return runAsPeer(session, json, distributed);
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec)
        throw core::InputError("cannot create output folder " + out.string() + ": " + ec.message());

    std::ostream& progress = json ? std::cerr : std::cout;
    const auto reportPath = (out / "report.h5").string();
    const auto sessionPath = (out / "session.h5").string();
    try {
        LiveRunPublisher live(session, out.string(), !distributed.distributed(),
                              [](const std::string& line) { std::cerr << line << "\n"; });
        core::SessionHooks settings;
        settings.autosavePath = sessionPath;
        settings.distributed = distributed;
        settings.onSnapshot = [&live](const core::Snapshot& s) { live.onSnapshot(s); };
        runWithProgress(session, progress, isTerminal(json ? 2 : 1), [&] { session.saveReport(reportPath); },
                        settings);
    } catch (...) {
        // Stopped (Ctrl-C), diverged or refused: keep what ran, up to the last finished epoch.
        try {
            session.saveSession(sessionPath);
            std::cerr << "espalier-cli: saved the session to " << sessionPath
                      << "; continue it with: espalier-cli resume " << sessionPath
                      << (distributed.distributed() ? " and the same --world-size and --master on every rank" : "")
                      << "\n";
        } catch (const std::exception& e) {
            std::cerr << "espalier-cli: could not save the session: " << e.what() << "\n";
        }
        throw;
    }
    session.saveReport(reportPath);
    session.saveModel((out / "model.pt").string());
    session.saveMasks((out / "masks.h5").string(), saveScores);
    session.saveSparseCheckpoint((out / "checkpoint.h5").string());
    session.saveLayerCsv((out / "layers.csv").string());
    std::string smallerNote; // the channel cut's smaller dense model, next to the masked one
    if (session.recipe().channels.enabled()) {
        const auto smallerPath = (out / "model-smaller.pt").string();
        session.saveSmallerModel(smallerPath);
        smallerNote = ", " + smallerPath;
    }

    const auto snapshot = session.snapshot();
    const double finalAccuracy = snapshot.rounds.empty() ? 0.0 : snapshot.rounds.back().testAccuracy;
    if (json) {
        nlohmann::json result{{"recipe", label}, {"out", out.string()}, {"sparsity", snapshot.sparsity},
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
              << ", " << (out / "checkpoint.h5").string() << ", " << (out / "layers.csv").string() << ", "
              << sessionPath << smallerNote << "\n";
    return 0;
}

} // namespace

int runCommand(const RunOptions& options)
{
    namespace fs = std::filesystem;
    auto recipe = core::loadRecipeFile(options.recipe, options.sets);
    const fs::path out = options.out.empty() ? fs::path("runs") / fs::path(options.recipe).stem() : fs::path(options.out);
    const auto distributed = options.distributed.resolve();
    core::Session session(recipe);
    return runToEnd(session, out, options.recipe, options.saveScores, options.json, distributed);
}

int resumeCommand(const ResumeOptions& options)
{
    namespace fs = std::filesystem;
    // By default the outputs go next to the session file, where `run` wrote them.
    const fs::path out = options.out.empty() ? fs::path(options.session).parent_path() : fs::path(options.out);
    const auto distributed = options.distributed.resolve();
    const auto session = core::Session::resume(options.session, options.sets);
    return runToEnd(*session, out.empty() ? fs::path(".") : out, options.session, options.saveScores, options.json,
                    distributed);
}

} // namespace espalier::cli
