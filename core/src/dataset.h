#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "espalier/core/recipe.h"

namespace espalier::core {

/// Images as one pre-normalised float32 tensor [N, C, H, W] and labels as int64 [N], kept in memory
/// so that training never copies per sample.
struct TensorDataset {
    torch::Tensor images;
    torch::Tensor labels;
    [[nodiscard]] std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

struct DataBundle {
    TensorDataset train;      ///< after train_limit and the validation split, in file order
    TensorDataset validation; ///< empty when DataSpec::validation == 0
    TensorDataset test;
    int numClasses = 0;
    std::vector<std::int64_t> sampleShape; ///< {C, H, W}
    std::string description;              ///< e.g. "Fashion-MNIST (60000 train, 10000 test)"
};

/// Loads the dataset named by `spec` (see DataSpec). The validation split takes the last
/// `validation` fraction of a seeded permutation of the training set; the remaining training
/// samples keep file order. Throws InputError naming the file and what is wrong with it.
DataBundle loadData(const DataSpec& spec, std::uint64_t seed);

} // namespace espalier::core
