#include "sessionreport.h"

#include "sessionfile.h"
#include "snapshotjson.h"

namespace espalier::core {

LoadedReport readSessionAsReport(const std::string& path, std::string& resume)
{
    const SessionFile file = readSessionFile(path);
    resume = resumeDescription(file);
    const Snapshot snapshot = snapshotFromJson(file.snapshotJson, path + " /snapshot");
    const Recipe recipe = parseRecipe(file.resumeRecipeJson, path + " (resume_recipe)");

    LoadedReport loaded;
    loaded.formatVersion = 1;
    loaded.espalierVersion = file.espalierVersion;
    loaded.createdUtc = file.createdUtc;
    ReportContent& c = loaded.content;
    c.recipeJson = file.initialRecipeJson;
    c.model = recipe.model.name;
    c.dataset = recipe.data.name;
    c.method = recipe.method;
    c.seed = recipe.seed;
    c.layers = snapshot.layers;
    c.rounds = snapshot.rounds;
    c.epochs = snapshot.epochs;
    c.events = snapshot.events;
    for (const auto& r : snapshot.rounds) {
        c.curveSparsity.push_back(r.sparsity);
        c.curveAccuracy.push_back(r.testAccuracy);
    }
    c.finalTestAccuracy = snapshot.rounds.empty() ? 0.0 : snapshot.rounds.back().testAccuracy;
    c.finalEffectiveSparsity = snapshot.effectiveSparsity;

    const RoundState* state = file.phase ? &file.phase->state : nullptr;
    for (const auto& s : file.history)
        if (!state && s.round == file.resumeRound)
            state = &s;
    std::int64_t numel = 0;
    std::int64_t kept = 0;
    for (std::size_t i = 0; state && i < state->masks.size(); ++i) {
        const auto mask = state->masks[i].to(torch::kByte).contiguous();
        MaskData data;
        data.name = file.maskNames.at(i);
        data.shape.assign(mask.sizes().begin(), mask.sizes().end());
        data.mask.assign(mask.data_ptr<std::uint8_t>(), mask.data_ptr<std::uint8_t>() + mask.numel());
        numel += mask.numel();
        kept += mask.sum().item<std::int64_t>();
        c.masks.push_back(std::move(data));
    }
    c.finalSparsity = numel > 0 ? 1.0 - double(kept) / double(numel) : 0.0;
    return loaded;
}

} // namespace espalier::core
