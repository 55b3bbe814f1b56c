#pragma once

#include <string>

#include <torch/torch.h>

namespace espalier::core {

/// One split as a reader decodes it, before normalisation: images uint8 or float32 [N, C, H, W]
/// and labels int64 [N].
struct RawSplit {
    torch::Tensor images;
    torch::Tensor labels;
    [[nodiscard]] std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

/// What a dataset reader returns; loadData() applies train_limit, normalisation and the
/// validation split on top.
struct RawDataset {
    RawSplit train;
    RawSplit test;
    int numClasses = 0;
    std::string displayName; ///< e.g. "Fashion-MNIST", used in DataBundle::description
};

} // namespace espalier::core
