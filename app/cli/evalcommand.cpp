#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "espalier/core/errors.h"
#include "espalier/core/evaluation.h"
#include "espalier/core/recipe.h"
#include "modelrequest.h"
#include "resulttables.h"

namespace espalier::cli {

namespace {

// eval --preview-sparsity: the saved model, then a pruned copy of it, side by side.
int previewCommand(const EvalOptions& options, const core::Recipe& recipe)
{
    core::PreviewRequest request;
    request.method = options.method;
    request.sparsity = *options.previewSparsity;
    request.global = !options.layerwise;
    const auto p = core::previewModel(recipe.model, recipe.data, recipe.seed, recipe.threads, request);
    if (options.json) {
        const nlohmann::json out{{"model", p.base.model},
                                 {"dataset", p.base.dataset},
                                 {"test_accuracy", p.base.testAccuracy},
                                 {"sparsity", p.base.sparsity},
                                 {"preview",
                                  {{"method", request.method},
                                   {"allocation", request.global ? "global" : "layerwise"},
                                   {"sparsity", p.sparsity},
                                   {"test_accuracy", p.testAccuracy},
                                   {"test_loss", p.testLoss},
                                   {"layers", layersJson(p.layers)}}}};
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::cout << p.base.model << " on " << p.base.dataset << "\n\npreview: " << request.method << " at "
              << percent(request.sparsity) << " (" << (request.global ? "global" : "layerwise")
              << "), applied to a copy and discarded\n\n"
              << layerTable(p.layers) << "\n"
              << "as saved:  sparsity " << percent(p.base.sparsity) << ", test accuracy " << percent(p.base.testAccuracy)
              << "\npreviewed: sparsity " << percent(p.sparsity) << ", test accuracy " << percent(p.testAccuracy)
              << " (no training after pruning)\n";
    return 0;
}

// eval --activation-keep: accuracy and skipped work per keep fraction.
int activationCommand(const EvalOptions& options, const core::Recipe& recipe)
{
    const auto points =
        core::evaluateModelActivationSparsity(recipe.model, recipe.data, recipe.seed, recipe.threads, options.activationKeep);
    if (options.json) {
        auto rows = nlohmann::json::array();
        for (const auto& p : points) {
            nlohmann::json layers = nlohmann::json::object();
            for (std::size_t l = 0; l < p.layers.size(); ++l)
                layers[p.layers[l]] = p.inputZeroFraction[l];
            rows.push_back({{"keep_fraction", p.keepFraction},
                            {"test_accuracy", p.testAccuracy},
                            {"skipped_work", p.skippedWork},
                            {"input_zero_fraction", layers}});
        }
        std::cout << nlohmann::json{{"model", options.model}, {"activation_sparsity", rows}}.dump(2) << "\n";
        return 0;
    }
    std::cout << "dynamic activation sparsity: each Conv/Linear input after the first keeps its largest entries "
                 "per sample\n\n"
              << "    keep   test accuracy   skipped work   zero inputs per layer\n";
    for (const auto& p : points) {
        char line[96];
        std::snprintf(line, sizeof line, "%7.1f %%   %10s   %11s   ", 100.0 * p.keepFraction,
                      percent(p.testAccuracy).c_str(), percent(p.skippedWork).c_str());
        std::cout << line;
        for (std::size_t l = 0; l < p.layers.size(); ++l)
            std::cout << (l ? ", " : "") << p.layers[l] << " " << percent(p.inputZeroFraction[l]);
        std::cout << "\n";
    }
    std::cout << "\nskipped work: multiply-accumulates whose activation operand is zero, of all Conv/Linear ones "
                 "(keep 100 % = the zeros ReLU already makes)\n";
    return 0;
}

} // namespace

int evalCommand(const EvalOptions& options)
{
    if (options.previewSparsity.has_value() != !options.method.empty())
        throw core::InputError("--preview-sparsity S and --method M go together");
    if (options.previewSparsity && !options.logits.empty())
        throw core::InputError("--logits writes the saved model's outputs; run it without --preview-sparsity");
    if ((options.sparse || options.sparseAll) && (options.previewSparsity || !options.activationKeep.empty()))
        throw core::InputError("--sparse times the saved model; run it without --preview-sparsity or --activation-keep");
    if (options.logits.empty() != (options.samples == 0))
        throw core::InputError("--logits FILE and --samples N go together");
    const auto recipe = modelRequest(options.model, options.weights, options.data, options.dataRoot, "eval options");
    if (options.previewSparsity)
        return previewCommand(options, recipe);
    if (!options.activationKeep.empty())
        return activationCommand(options, recipe);
    core::EvaluationOptions evaluation;
    evaluation.logits = {options.logits, options.samples};
    evaluation.sparseExecution = options.sparse || options.sparseAll;
    evaluation.allSparse = options.sparseAll;
    const auto result = core::evaluateModel(recipe.model, recipe.data, recipe.seed, recipe.threads, evaluation);
    if (options.json) {
        nlohmann::json out{{"model", result.model}, {"dataset", result.dataset}, {"test_accuracy", result.testAccuracy},
                           {"test_loss", result.testLoss}, {"samples", result.samples}, {"sparsity", result.sparsity},
                           {"layers", layersJson(result.layers)}};
        if (const auto& s = result.sparse)
            out["sparse_execution"] = {{"batch", s->batch},
                                       {"layers", s->layers},
                                       {"sparse_layers", s->sparseLayers},
                                       {"test_accuracy", s->testAccuracy},
                                       {"max_logit_difference", s->maxLogitDifference},
                                       {"dense_seconds", s->denseSeconds},
                                       {"sparse_seconds", s->sparseSeconds},
                                       {"passes", s->passes}};
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::cout << result.model << " on " << result.dataset << "\n\n" << layerTable(result.layers) << "\n"
              << "sparsity " << percent(result.sparsity) << " (weights exactly zero), test accuracy "
              << percent(result.testAccuracy) << ", test loss " << result.testLoss << " (" << result.samples
              << " samples)\n";
    if (const auto& s = result.sparse) {
        char line[256];
        std::snprintf(line, sizeof line,
                      "sparse execution: %lld of %lld layers sparse at batch %lld, test accuracy %s, max |logit "
                      "difference| %.2g\n  test set %.3f s dense -> %.3f s sparse (%.2fx, median of %d passes)\n",
                      static_cast<long long>(s->sparseLayers), static_cast<long long>(s->layers),
                      static_cast<long long>(s->batch), percent(s->testAccuracy).c_str(), s->maxLogitDifference,
                      s->denseSeconds, s->sparseSeconds, s->sparseSeconds > 0 ? s->denseSeconds / s->sparseSeconds : 0.0,
                      s->passes);
        std::cout << line;
    }
    return 0;
}

} // namespace espalier::cli
