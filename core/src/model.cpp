#include "model.h"

#include <filesystem>

#include "espalier/core/errors.h"

namespace espalier::core {

std::vector<torch::Tensor> Model::parameters() const
{
    std::vector<torch::Tensor> params;
    for (const auto& p : module.parameters(/*recurse=*/true))
        params.push_back(p);
    return params;
}

Model loadTorchScriptModel(const std::string& path)
{
    if (!std::filesystem::exists(path))
        throw InputError("model file " + path + " does not exist (and '" + path + "' is not a zoo model)");
    Model model;
    model.name = path;
    try {
        model.module = torch::jit::load(path, torch::kCPU);
    } catch (const c10::Error& e) {
        throw InputError("cannot load TorchScript model " + path + ": " + e.what_without_backtrace());
    }
    return model;
}

Model makeModel(const ModelSpec& spec, const std::vector<std::int64_t>& inputShape, int numClasses)
{
    Model model = isZooModel(spec.name) ? buildZooModel(spec, inputShape, numClasses) : loadTorchScriptModel(spec.name);
    model.inputShape = inputShape;
    model.numClasses = numClasses;
    for (auto p : model.module.parameters(/*recurse=*/true))
        p.requires_grad_(true);

    // One dry forward tells a mismatched model before any training starts.
    std::vector<std::int64_t> batchShape{2};
    batchShape.insert(batchShape.end(), inputShape.begin(), inputShape.end());
    torch::Tensor out;
    try {
        torch::NoGradGuard noGrad;
        model.module.eval();
        out = model.forward(torch::zeros(batchShape));
        model.module.train();
    } catch (const c10::Error& e) {
        throw InputError("model " + spec.name + " cannot take inputs of shape " + c10::str(c10::IntArrayRef(batchShape)) +
                         ": " + e.what_without_backtrace());
    } catch (const std::runtime_error& e) {
        throw InputError("model " + spec.name + " cannot take inputs of shape " + c10::str(c10::IntArrayRef(batchShape)) +
                         ": " + e.what());
    }
    if (out.dim() != 2 || out.size(1) != numClasses)
        throw InputError("model " + spec.name + " outputs shape " + c10::str(out.sizes()) + " but the data has " +
                         std::to_string(numClasses) + " classes (expected [batch, " + std::to_string(numClasses) + "])");
    return model;
}

} // namespace espalier::core
