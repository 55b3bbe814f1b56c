#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "espalier/core/steering.h"

namespace espalier::core {

/// Which network to prune: a zoo name (lenet300, lenet5, vgg11, vgg16, vgg19, resnet20, resnet32)
/// or the path of a TorchScript file saved with torch.jit.save.
struct ModelSpec {
    std::string name = "lenet300";
    double widthMultiplier = 1.0; ///< ResNets only; ESPN's ResNet32 uses 2 (widths 32/64/128).
    /// Weights to start from: a torch.save state_dict (.pt) or an Espalier sparse checkpoint (.h5).
    std::string weights;
    /// Masks to start from: an HDF5 masks file, a report, or an h5py file with /masks/<name>.
    std::string masks;
};

/// Which data to train, score and evaluate on.
struct DataSpec {
    std::string name = "fashion-mnist"; ///< fashion-mnist, mnist, kmnist, cifar10, cifar100, hdf5, synthetic
    std::string root = "/usr/share/datasets/fashion-mnist"; ///< folder, or the .h5 file for hdf5
    std::optional<std::int64_t> trainLimit;                  ///< use only the first N training samples
    double validation = 0.0; ///< fraction of the training set held out for validation
};

struct LrSchedule {
    std::string type = "none"; ///< none, step, multistep, cosine
    int step = 30;
    double gamma = 0.1;
    std::vector<int> milestones;
};

struct TrainSettings {
    int epochs = 10;
    int batch = 128;
    std::string optimizer = "sgd"; ///< sgd or adam
    double lr = 0.01;
    double momentum = 0.9;
    bool nesterov = false;
    double weightDecay = 0.0;
    LrSchedule lrSchedule{}; // the {} keeps -Wmissing-field-initializers quiet for pretrain{.epochs = 0}
};

/// How the scoring batch for data-dependent methods (SNIP) is drawn.
struct ScoringSettings {
    int samples = 100;     ///< size of the scoring batch
    bool fileOrder = true; ///< the first N training samples in file order (reproducible across tools)
};

/// Structured pruning at the start of round 1, before the unstructured method (docs/recipes.md,
/// "channels"): whole output channels of Conv/Linear layers leave, with their dependants.
struct ChannelSettings {
    std::string method;        ///< empty = none; l1-filter, slimming, taylor, random
    double fraction = 0.5;     ///< of the prunable channels, removed
    std::string allocation = "layerwise"; ///< layerwise: the fraction per layer group; global: one ranking
    int roundTo = 1;           ///< kept channels per group rounded up to a multiple
    /// slimming: λ of the L1 penalty λ·sign(γ) on BatchNorm γ during pretraining (Liu et al. 2017)
    double penalty = 1e-4;
    int samples = 256; ///< taylor: first training samples, file order

    [[nodiscard]] bool enabled() const { return !method.empty(); }
};

/// Everything needed to rerun a pruning session headless. JSON keys are documented in docs/recipes.md.
struct Recipe {
    ModelSpec model;
    DataSpec data;
    std::string method = "magnitude"; ///< magnitude, random, snip, …; "none" after a channel cut alone
    std::map<std::string, double> methodParams;
    double targetSparsity = 0.98;
    int rounds = 1;
    std::string schedule = "exponential"; ///< exponential or linear
    std::string allocation = "global";    ///< global or layerwise
    std::string collapsePolicy = "block"; ///< block, clamp, allow (= proceed)
    std::vector<std::string> exclude;     ///< layer names or glob patterns (*, ?) never pruned
    std::vector<std::string> locks;       ///< layers whose mask is frozen at its current state
    std::map<std::string, double> floors; ///< minimum density per layer
    std::map<std::string, std::int64_t> floorWeights; ///< minimum kept weights per layer
    ChannelSettings channels;
    TrainSettings pretrain{.epochs = 0};  ///< dense training before the first round
    TrainSettings train;                  ///< training after the final round
    int roundEpochs = 0;                  ///< training epochs between intermediate rounds
    ScoringSettings scoring;
    std::uint64_t seed = 0;
    int threads = 0; ///< 0 = hardware concurrency
    /// Each batch is computed in this many equal parts whose gradients are summed (gradient
    /// accumulation): a single process with 2 rounds exactly as a run on 2 ranks. 1 in a
    /// distributed run, whose ranks are the parts.
    int microBatches = 1;
    /// Changes applied at the start of later rounds, in order (what a user steered in the window).
    std::vector<SteeringChange> steering;
};

/// Parses a recipe from JSON text. Unknown keys and out-of-range values throw InputError naming the
/// key and `sourceName`. `overrides` are "dotted.key=value" strings applied before validation.
Recipe parseRecipe(const std::string& jsonText, const std::string& sourceName,
                   const std::vector<std::string>& overrides = {});

/// Reads and parses a recipe file (InputError names the file when it cannot be read).
Recipe loadRecipeFile(const std::string& path, const std::vector<std::string>& overrides = {});

/// Serialises a recipe to JSON text that parseRecipe reads back to an equal recipe.
std::string recipeToJson(const Recipe& recipe);

/// The dotted key of the first setting in which `a` and `b` differ ("pretrain.epochs"), in the
/// order of docs/recipes.md; empty when they are equal.
std::string firstRecipeDifference(const Recipe& a, const Recipe& b);

/// Throws InputError naming the key of the first invalid value.
void validateRecipe(const Recipe& recipe, const std::string& sourceName);

} // namespace espalier::core
