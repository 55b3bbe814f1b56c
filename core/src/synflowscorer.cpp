#include "synflowscorer.h"

#include "espalier/core/errors.h"
#include "scoring.h"

namespace espalier::core {
namespace {

// float64 and |·| in place, as the repo's abs() of the whole state dict (float64 because R is a
// product over all layers and over/underflows in float32 for deep nets, algorithms.md §7.2).
void absInDouble(torch::Tensor tensor)
{
    if (!tensor.defined() || !tensor.is_floating_point())
        return;
    tensor.set_data(tensor.to(torch::kFloat64).abs());
}

} // namespace

std::vector<torch::Tensor> synflowScores(const Model& model, const MaskSet& masks)
{
    if (model.inputShape.empty())
        throw InputError("synflow needs the model's input shape (C, H, W) for its all-ones input");
    torch::jit::Module net;
    std::vector<torch::Tensor> weights;
    {
        torch::NoGradGuard noGrad;
        net = model.module.clone();
        for (const auto& p : net.parameters(/*recurse=*/true))
            absInDouble(p);
        for (const auto& b : net.buffers(/*recurse=*/true))
            absInDouble(b);
        weights = weightsByName(net, masks);
        // Masked weights are zero in the live model already; re-zeroing the copy keeps a masked
        // weight at score 0 even if the live model drifted.
        for (std::size_t i = 0; i < weights.size(); ++i)
            weights[i].mul_(masks.mask(i)).requires_grad_(true);
    }
    net.eval();

    torch::AutoGradMode enableGrad(true);
    std::vector<std::int64_t> shape{1};
    shape.insert(shape.end(), model.inputShape.begin(), model.inputShape.end());
    const auto input = torch::ones(shape, torch::kFloat64);
    const auto r = net.forward({input}).toTensor().sum();
    const auto grads = gradients(r, weights);

    std::vector<torch::Tensor> scores;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const auto& live = masks.tensors()[i].weight;
        scores.push_back((grads[i] * weights[i].detach()).abs().to(torch::kFloat32).view(live.sizes()));
    }
    return scores;
}

} // namespace espalier::core
