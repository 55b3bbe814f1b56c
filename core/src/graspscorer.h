#pragma once

#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "dataset.h"
#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// GraSP settings, read from the recipe's method_params (algorithms.md §6).
struct GraspOptions {
    double temperature = 200.0; ///< "temperature": logits are divided by T before the cross-entropy
    int samplesPerClass = 10;   ///< "samples_per_class": first k training samples of every class
    bool reinitLinear = false;  ///< "reinit_linear" (0/1): xavier_normal Linear weights of the scoring copy
};

/// Reads and checks the GraSP keys of `params` (InputError naming method_params.<key>). Other keys
/// are ignored, so a recipe may keep the parameters of other methods.
GraspOptions graspOptions(const std::map<std::string, double>& params);

/// The official GraSP_fetch_data selection: the first `samplesPerClass` samples of each class in
/// file order, grouped by class (all of class 0, then class 1, ...). A class with fewer samples
/// contributes what it has.
TensorDataset graspData(const TensorDataset& train, int numClasses, int samplesPerClass);

/// GraSP scores as "higher = keep": θ ⊙ Hg (= −S of the paper, whose largest S are removed), with
/// g = Σ_b ∇L_b (detached) over the two halves of graspData and Hg = Σ_b ∂⟨g, ∇L_b⟩/∂θ by double
/// backprop. Runs on a deep copy of the module in train mode (BN uses batch statistics, as the
/// official code's copy does); the live model, including its BN running statistics, is untouched.
/// `generator` draws the xavier_normal weights when reinitLinear is set.
std::vector<torch::Tensor> graspScores(const Model& model, const MaskSet& masks, const TensorDataset& train,
                                       const GraspOptions& options, torch::Generator& generator);

} // namespace espalier::core
