// espalier-cli: the headless front end of the pruning core (DESIGN.md, "Command line").
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "espalier/core/errors.h"

namespace {

// Maps every failure to the contract's exit codes: 2 bad input (the message names it), 1 otherwise.
template <typename Options>
int guarded(int (*command)(const Options&), const Options& options)
{
    try {
        return command(options);
    } catch (const espalier::core::InputError& e) {
        std::cerr << "espalier-cli: " << e.what() << "\n";
        return 2;
    } catch (const espalier::core::Cancelled& e) {
        std::cerr << "espalier-cli: " << e.what() << "\n";
        return 1;
    } catch (const espalier::core::DistributedError& e) {
        std::cerr << "espalier-cli: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "espalier-cli: internal error: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

int main(int argc, char** argv)
{
    using namespace espalier::cli;
    CLI::App app{"Espalier: prune neural networks headless (the same core as the workbench)", "espalier-cli"};
    app.set_version_flag("--version", std::string("espalier-cli ") + ESPALIER_VERSION);
    app.require_subcommand(1);

    RunOptions run;
    auto* runCmd = app.add_subcommand("run", "Run a recipe: pretrain, prune in rounds, fine-tune; write report.h5, model.pt, masks.h5, checkpoint.h5, layers.csv, session.h5");
    runCmd->add_option("recipe", run.recipe, "Recipe JSON file")->required();
    runCmd->add_option("--set", run.sets, "Override a recipe key, e.g. --set train.epochs=5 (repeatable)");
    runCmd->add_option("--out", run.out, "Output folder (default: runs/<recipe name>)");
    runCmd->add_flag("--save-scores", run.saveScores, "Also write the last round's scores to masks.h5 (/scores/<name>)");
    runCmd->add_flag("--json", run.json, "Print the result as JSON on stdout (progress goes to stderr)");
    run.distributed.addTo(*runCmd);

    ResumeOptions resume;
    auto* resumeCmd = app.add_subcommand("resume", "Continue a session from its session.h5 (written by run after every round)");
    resumeCmd->add_option("session", resume.session, "session.h5")->required();
    resumeCmd->add_option("--set", resume.sets, "Override a recipe key, e.g. --set data.root=/elsewhere (repeatable)");
    resumeCmd->add_option("--out", resume.out, "Output folder (default: the session file's folder)");
    resumeCmd->add_flag("--save-scores", resume.saveScores, "Also write the last round's scores to masks.h5 (/scores/<name>)");
    resumeCmd->add_flag("--json", resume.json, "Print the result as JSON on stdout (progress goes to stderr)");
    resume.distributed.addTo(*resumeCmd);

    ScoreOptions score;
    auto* scoreCmd = app.add_subcommand("score", "Score and mask a model without training");
    scoreCmd->add_option("--model", score.model, "Zoo name (lenet300, lenet5, vgg11/16/19, resnet20/32) or TorchScript file")->required();
    scoreCmd->add_option("--method", score.method, "magnitude, random, snip, grasp, synflow or taylor")->required();
    scoreCmd->add_option("--sparsity", score.sparsity, "Target sparsity in [0, 1)")->required();
    scoreCmd->add_option("--rounds", score.rounds, "Scoring rounds on the exponential schedule (default 100 for synflow, else 1)")->check(CLI::PositiveNumber);
    scoreCmd->add_option("--data", score.data, "Dataset name (fashion-mnist, mnist, kmnist, cifar10, cifar100, hdf5, synthetic, synthetic-cifar)");
    scoreCmd->add_option("--data-root", score.dataRoot, "Dataset folder (or .h5 file)");
    scoreCmd->add_option("--samples", score.samples, "Score on the first N training samples in file order")->check(CLI::PositiveNumber);
    scoreCmd->add_flag("--structured", score.structured,
                       "Remove whole channels (methods l1-filter, slimming, taylor, random; --sparsity = fraction of "
                       "channels) and build a smaller model");
    scoreCmd->add_option("--round-to", score.roundTo, "--structured: round kept channels up to a multiple of N")
        ->check(CLI::PositiveNumber);
    scoreCmd->add_option("--latency-batch", score.latencyBatch, "--structured: batch size of the latency comparison")
        ->check(CLI::PositiveNumber);
    scoreCmd->add_option("--channel-map", score.channelMap,
                         "--structured: write the kept channel indices per layer as JSON");
    scoreCmd->add_flag("--layerwise", score.layerwise, "Same sparsity in every layer instead of one global threshold");
    scoreCmd->add_option("--out", score.out, "Write masks to this HDF5 file (/masks/<parameter name>)");
    scoreCmd->add_flag("--save-scores", score.saveScores, "Also write the scores (/scores/<parameter name>) to --out");
    scoreCmd->add_option("--export", score.exportPath,
                         "Write the masked model (with --structured: the smaller model) as TorchScript");
    scoreCmd->add_option("--export-sparse", score.exportSparse, "Write a compressed sparse checkpoint (HDF5: bitmasks + kept values)");
    scoreCmd->add_option("--seed", score.seed, "Seed for initialisation and random scores");
    scoreCmd->add_option("--param", score.params, "Method parameter key=value, e.g. --param temperature=200 (repeatable)");
    scoreCmd->add_flag("--json", score.json,
                       "Print per-layer results as JSON, with score_seconds: the time spent scoring and masking, "
                       "summed over rounds (no loading, no evaluation), and score_seconds_parts (scores, masks)");

    EvalOptions eval;
    auto* evalCmd = app.add_subcommand("eval", "Evaluate a model on a test set and report its sparsity");
    evalCmd->add_option("--model", eval.model, "TorchScript file or zoo name")->required();
    evalCmd->add_option("--weights", eval.weights, "Weights to load: torch.save state_dict (.pt, also with torch.nn.utils.prune) or sparse checkpoint (.h5)");
    evalCmd->add_option("--logits", eval.logits, "Write the logits and inputs of the first --samples test samples to this HDF5 file");
    evalCmd->add_option("--samples", eval.samples, "Test samples (file order) for --logits")->check(CLI::PositiveNumber);
    evalCmd->add_option("--data", eval.data, "Dataset name");
    evalCmd->add_option("--data-root", eval.dataRoot, "Dataset folder (or .h5 file)");
    evalCmd->add_option("--preview-sparsity", eval.previewSparsity,
                        "What-if: prune a copy of the model to this sparsity, evaluate it and discard it");
    evalCmd->add_option("--method", eval.method,
                        "Scoring method of the preview: magnitude, random, snip, grasp, synflow (one round), taylor");
    evalCmd->add_flag("--layerwise", eval.layerwise, "Preview with the same sparsity in every layer");
    evalCmd->add_option("--activation-keep", eval.activationKeep,
                        "Dynamic activation sparsity: keep only this fraction of each layer's input activations "
                        "per sample (largest first), e.g. 1,0.5,0.25; reports accuracy and skipped work")
        ->delimiter(',');
    evalCmd->add_flag("--sparse", eval.sparse,
                      "Also run the test set through sparse execution (CSR kernels where they measure faster) and "
                      "report its accuracy, the largest logit difference and the time of both");
    evalCmd->add_flag("--sparse-all", eval.sparseAll,
                      "Like --sparse, but every Linear and Conv layer runs sparse even where dense measured faster "
                      "(checks the kernels on this model)");
    evalCmd->add_flag("--json", eval.json, "Print the result as JSON");

    SensitivityOptions sensitivity;
    auto* sensitivityCmd = app.add_subcommand(
        "sensitivity", "Per-layer sensitivity scan: test accuracy with only one layer pruned, for every layer and sparsity");
    sensitivityCmd->add_option("--model", sensitivity.model, "TorchScript file or zoo name")->required();
    sensitivityCmd->add_option("--weights", sensitivity.weights, "Weights to load: state_dict (.pt) or sparse checkpoint (.h5)");
    sensitivityCmd->add_option("--data", sensitivity.data, "Dataset name");
    sensitivityCmd->add_option("--data-root", sensitivity.dataRoot, "Dataset folder (or .h5 file)");
    sensitivityCmd->add_option("--method", sensitivity.method, "Scoring method: magnitude, random, snip, grasp, synflow, taylor");
    sensitivityCmd->add_option("--sparsities", sensitivity.sparsities, "Sparsities to scan, e.g. 0.5,0.9,0.99")->delimiter(',');
    sensitivityCmd->add_option("--test-samples", sensitivity.testSamples, "Evaluate on the first N test samples (default: all)")
        ->check(CLI::PositiveNumber);
    sensitivityCmd->add_option("--max-drop", sensitivity.maxDrop,
                               "Accuracy drop (fraction) the suggested per-layer floors tolerate, default 0.01")
        ->check(CLI::Range(0.0, 1.0));
    sensitivityCmd->add_flag("--json", sensitivity.json, "Print the table and floors as JSON");

    BenchOptions bench;
    auto* benchCmd = app.add_subcommand(
        "bench", "Parameters, stored bytes, multiply-accumulates and measured latency of dense and sparse execution");
    benchCmd->add_option("--model", bench.model, "TorchScript file or zoo name")->required();
    benchCmd->add_option("--weights", bench.weights, "Weights to load: state_dict (.pt) or sparse checkpoint (.h5)");
    benchCmd->add_option("--data", bench.data, "Dataset name (input shape and the equality check)");
    benchCmd->add_option("--data-root", bench.dataRoot, "Dataset folder (or .h5 file)");
    benchCmd->add_option("--sparsities", bench.sparsities,
                         "Prune a copy by magnitude to each, e.g. 0.9,0.95,0.98 (default: the model as loaded)")
        ->delimiter(',');
    benchCmd->add_flag("--layerwise", bench.layerwise, "With --sparsities: every layer to the sparsity (convs too)");
    benchCmd->add_option("--batches", bench.batches, "Batch sizes to time, default 1,256")->delimiter(',');
    benchCmd->add_option("--repeats", bench.repeats, "Timed forward passes per model and batch, default 50")
        ->check(CLI::PositiveNumber);
    benchCmd->add_option("--threads", bench.threads, "Intra-op threads (0 = hardware concurrency)")
        ->check(CLI::NonNegativeNumber);
    benchCmd->add_flag("--json", bench.json, "Print the measurements as JSON");

    SweepOptions sweep;
    auto* sweepCmd = app.add_subcommand("sweep", "One run per (method, sparsity, seed) into a folder a rerun continues; summary.csv and summary.h5 with mean and spread over seeds");
    sweepCmd->add_option("recipe", sweep.recipe, "Sweep file (resources/recipes/sweeps/*.sweep.json) or a plain recipe")->required();
    sweepCmd->add_option("--sparsities", sweep.sparsities, "Target sparsities, e.g. 0.95,0.98,0.99,0.996 (default: the sweep file's)")->delimiter(',');
    sweepCmd->add_option("--methods", sweep.methods, "Method labels of the sweep file, or method names to swap into a plain recipe")->delimiter(',');
    sweepCmd->add_option("--seeds", sweep.seeds, "Seeds, e.g. 0,1 (default: the sweep file's)")->delimiter(',');
    sweepCmd->add_option("--set", sweep.sets, "Override a recipe key in every cell, e.g. --set threads=2 (repeatable)");
    sweepCmd->add_option("--out", sweep.out, "Sweep folder (default: runs/sweeps/<file name>); rerunning into it skips finished cells");
    sweepCmd->add_flag("--no-shared-pretraining", sweep.noSharedPretraining, "Pretrain every cell itself instead of once per seed");
    sweepCmd->add_flag("--summarize", sweep.summarizeOnly, "Run no cell: write the plan and the summary of the finished cells (e.g. cells copied in from other machines)");
    sweepCmd->add_flag("--json", sweep.json, "Print the summary as JSON on stdout (progress goes to stderr)");

    InspectOptions inspect;
    auto* inspectCmd = app.add_subcommand("inspect", "Summarise a report.h5, masks.h5 or sparse checkpoint.h5");
    inspectCmd->add_option("file", inspect.file, "HDF5 file")->required();
    inspectCmd->add_flag("--json", inspect.json, "Print the summary as JSON");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (*runCmd)
        return guarded(runCommand, run);
    if (*resumeCmd)
        return guarded(resumeCommand, resume);
    if (*scoreCmd)
        return guarded(scoreCommand, score);
    if (*evalCmd)
        return guarded(evalCommand, eval);
    if (*sensitivityCmd)
        return guarded(sensitivityCommand, sensitivity);
    if (*benchCmd)
        return guarded(benchCommand, bench);
    if (*sweepCmd)
        return guarded(sweepCommand, sweep);
    return guarded(inspectCommand, inspect);
}
