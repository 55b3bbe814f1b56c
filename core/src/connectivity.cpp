#include "connectivity.h"

#include "moduleaccess.h"

namespace espalier::core {

Connectivity analyseConnectivity(const Model& model, const std::vector<std::string>& names,
                                 const std::vector<torch::Tensor>& masks)
{
    auto copy = model.module.deepcopy();
    std::vector<torch::Tensor> leaves(names.size());
    {
        torch::NoGradGuard noGrad;
        for (const auto& p : copy.named_parameters(/*recurse=*/true)) {
            auto [module, attr] = attributeOwner(copy, p.name);
            const auto it = std::find(names.begin(), names.end(), p.name);
            torch::Tensor value;
            if (it != names.end()) {
                value = masks[std::size_t(it - names.begin())].to(torch::kFloat64).clone().requires_grad_(true);
                leaves[std::size_t(it - names.begin())] = value;
            } else if (endsWith(p.name, "bias")) {
                value = torch::zeros_like(p.value, torch::kFloat64); // a bias is not a path from the input
            } else if (p.value.dim() == 1) {
                value = torch::ones_like(p.value, torch::kFloat64); // BN scale
            } else {
                value = p.value.detach().abs().to(torch::kFloat64); // unpruned weights, e.g. excluded layers
            }
            module.setattr(attr, value);
        }
        for (const auto& b : copy.named_buffers(/*recurse=*/true)) {
            auto [module, attr] = attributeOwner(copy, b.name);
            if (endsWith(b.name, "running_mean"))
                module.setattr(attr, torch::zeros_like(b.value, torch::kFloat64));
            else if (endsWith(b.name, "running_var"))
                module.setattr(attr, torch::ones_like(b.value, torch::kFloat64));
            else if (b.value.is_floating_point())
                module.setattr(attr, b.value.abs().to(torch::kFloat64));
        }
    }
    copy.eval();
    std::vector<std::int64_t> inputShape{1};
    inputShape.insert(inputShape.end(), model.inputShape.begin(), model.inputShape.end());
    torch::AutoGradMode enableGrad(true);
    auto r = copy.forward({torch::ones(inputShape, torch::kFloat64)}).toTensor().sum();
    Connectivity result;
    result.outputReachable = r.item<double>() > 0.0;
    result.effectiveKept.assign(names.size(), 0);
    if (!result.outputReachable)
        return result;
    auto grads = torch::autograd::grad({r}, leaves, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                       /*allow_unused=*/true);
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (!grads[i].defined())
            continue;
        result.effectiveKept[i] = (grads[i].gt(0) & masks[i].to(torch::kBool)).sum().item<std::int64_t>();
        result.effectiveTotal += result.effectiveKept[i];
    }
    return result;
}

} // namespace espalier::core
