#pragma once
// Recipes for app tests that run real sessions without LibTorch headers (tests/core/sessiontesting.h
// has the same short session, but includes torch for its other helpers).

#include "espalier/core/recipe.h"

namespace espalier::testing {

/// LeNet-300-100 on 256 seeded synthetic samples, magnitude to 90 %, one epoch each side, one thread:
/// a whole session in about a second.
inline core::Recipe syntheticRecipe()
{
    core::Recipe r;
    r.model.name = "lenet300";
    r.data.name = "synthetic";
    r.data.root = "";
    r.data.trainLimit = 256;
    r.method = "magnitude";
    r.targetSparsity = 0.9;
    r.pretrain.epochs = 1;
    r.pretrain.lr = 0.05;
    r.train.epochs = 1;
    r.train.batch = 64;
    r.train.lr = 0.05;
    r.threads = 1;
    return r;
}

/// The same session with the whole synthetic set and 20 pretraining epochs in batches of 32: it runs
/// far longer than a test takes to pause, save or stop it.
inline core::Recipe longSyntheticRecipe()
{
    core::Recipe r = syntheticRecipe();
    r.data.trainLimit.reset();
    r.pretrain.epochs = 20;
    r.pretrain.batch = 32;
    return r;
}

} // namespace espalier::testing
