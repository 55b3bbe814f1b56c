#include "taylorscorer.h"

#include "espalier/core/errors.h"
#include "scoring.h"

namespace espalier::core {

std::vector<torch::Tensor> taylorScores(Model& model, const MaskSet& masks, const TensorDataset& samples,
                                        std::int64_t maxBatch)
{
    if (samples.size() == 0)
        throw InputError("taylor needs at least one scoring sample (scoring.samples)");
    std::vector<torch::Tensor> weights;
    for (const auto& t : masks.tensors())
        weights.push_back(t.weight);

    const bool wasTraining = model.module.is_training();
    model.module.eval();
    torch::AutoGradMode enableGrad(true);
    std::vector<torch::Tensor> sums(weights.size());
    std::int64_t batches = 0;
    try {
        for (std::int64_t start = 0; start < samples.size(); start += maxBatch) {
            const auto end = std::min(start + maxBatch, samples.size());
            auto logits = model.forward(samples.images.slice(0, start, end));
            auto loss = torch::nn::functional::cross_entropy(logits, samples.labels.slice(0, start, end));
            auto grads = gradients(loss, weights);
            for (std::size_t i = 0; i < weights.size(); ++i) {
                auto term = (grads[i] * weights[i].detach()).square();
                sums[i] = sums[i].defined() ? sums[i] + term : term;
            }
            ++batches;
        }
    } catch (...) {
        model.module.train(wasTraining);
        throw;
    }
    model.module.train(wasTraining);

    std::vector<torch::Tensor> scores;
    for (auto& s : sums)
        scores.push_back((s / double(batches)).detach());
    return scores;
}

} // namespace espalier::core
