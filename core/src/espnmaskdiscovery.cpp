#include "espnmaskdiscovery.h"

#include <chrono>

#include "moduleaccess.h"

namespace espalier::core {

EspnMaskDiscovery::EspnMaskDiscovery(const Model& live, const MaskSet& masks, const EspnSettings& settings)
    : m_settings(settings)
{
    m_model = live;
    m_model.module = live.module.deepcopy();
    // Fresh leaves: the copy must not share autograd history or storage with the live model.
    for (const auto& p : m_model.module.named_parameters(/*recurse=*/true)) {
        auto [module, attr] = attributeOwner(m_model.module, p.name);
        module.setattr(attr, p.value.detach().clone().requires_grad_(true));
    }
    std::vector<torch::Tensor> params;
    for (std::size_t i = 0; i < masks.size(); ++i) {
        m_names.push_back(masks.tensors()[i].name);
        m_liveMasks.push_back(masks.mask(i));
    }
    for (const auto& p : m_model.module.named_parameters(/*recurse=*/true)) {
        params.push_back(p.value);
        const auto it = std::find(m_names.begin(), m_names.end(), p.name);
        if (it != m_names.end())
            m_weights.push_back(p.value);
    }
    for (std::size_t i = 0; i < m_weights.size(); ++i) {
        // c starts at 1 (algorithms.md §1.2), except where the mask already pruned the weight (an
        // imported mask, a channel cut): there c is 0 and stays 0 — W is 0, so neither the loss nor
        // the L1 penalty moves it — and the entry never counts as alive.
        m_c.push_back(m_liveMasks[i].to(torch::kFloat).clone().requires_grad_(true));
        params.push_back(m_c.back());
    }
    // Plain SGD on W, c, biases and BN with no weight decay (algorithms.md §1.2, quirk 7).
    m_optimizer = std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(settings.maskLr).momentum(settings.momentum).weight_decay(0.0));
}

void EspnMaskDiscovery::bindMaskedWeights()
{
    // Binding W ⊙ c as the attribute makes the scripted forward differentiate through both.
    for (std::size_t i = 0; i < m_weights.size(); ++i) {
        auto [module, attr] = attributeOwner(m_model.module, m_names[i]);
        module.setattr(attr, m_weights[i] * m_c[i]);
    }
}

void EspnMaskDiscovery::bindPlainWeights()
{
    for (std::size_t i = 0; i < m_weights.size(); ++i) {
        auto [module, attr] = attributeOwner(m_model.module, m_names[i]);
        module.setattr(attr, m_weights[i]);
    }
}

EspnMaskDiscovery::EpochResult EspnMaskDiscovery::trainEpoch(const TensorDataset& data, torch::Generator& generator,
                                                             const BatchCallback& afterBatch)
{
    const auto start = std::chrono::steady_clock::now();
    m_model.module.train();
    const std::int64_t n = data.size();
    const std::int64_t batch = m_settings.batch;
    const std::int64_t batches = (n + batch - 1) / batch;
    auto order = m_settings.shuffle ? torch::randperm(n, generator, torch::kLong) : torch::arange(n, torch::kLong);
    double lossSum = 0.0;
    std::int64_t correct = 0;
    const auto parameters = optimizedParameters(*m_optimizer);
    for (std::int64_t b = 0; b < batches; ++b) {
        auto index = order.slice(0, b * batch, std::min(n, (b + 1) * batch));
        m_optimizer->zero_grad();
        const auto totals = forwardBackward(m_model, data, index, parameters, m_parallel, m_microBatches,
                                            [this] { bindMaskedWeights(); });
        {
            torch::NoGradGuard noGrad;
            // The penalty α·Σ|c| adds α·sign(c) (autograd's d|c|/dc, 0 at 0) to the gradient of c.
            // Added after the ranks' gradients are summed, so that a data-parallel run rounds
            // exactly as a single process does.
            for (auto& c : m_c) {
                if (c.grad().defined())
                    c.mutable_grad().add_(c.sign(), m_settings.alpha);
                else
                    c.mutable_grad() = c.sign() * m_settings.alpha;
            }
            // Weights pruned before discovery stay pruned.
            for (std::size_t i = 0; i < m_weights.size(); ++i)
                if (m_weights[i].grad().defined())
                    m_weights[i].mutable_grad().mul_(m_liveMasks[i]);
        }
        m_optimizer->step();
        const double batchLoss = totals.lossSum / double(index.numel());
        if (!std::isfinite(batchLoss))
            throw std::runtime_error("ESPN mask discovery diverged: the loss became " + std::to_string(batchLoss) +
                                     " (lower mask_lr)");
        lossSum += totals.lossSum;
        correct += totals.correct;
        if (afterBatch)
            afterBatch({b + 1, batches, lossSum / double(std::min(n, (b + 1) * batch))});
    }
    bindPlainWeights();
    EpochResult result;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.stats = {lossSum / double(n), double(correct) / double(n), seconds, double(n) / seconds};
    torch::NoGradGuard noGrad;
    for (const auto& c : m_c)
        result.alive += c.gt(m_settings.tau).sum().item<std::int64_t>();
    return result;
}

Evaluation EspnMaskDiscovery::evaluateMasked(const TensorDataset& data)
{
    {
        torch::NoGradGuard noGrad;
        for (std::size_t i = 0; i < m_weights.size(); ++i) {
            auto [module, attr] = attributeOwner(m_model.module, m_names[i]);
            module.setattr(attr, m_weights[i].detach() * m_c[i].detach());
        }
    }
    auto result = evaluate(m_model, data);
    bindPlainWeights();
    return result;
}

std::vector<torch::Tensor> EspnMaskDiscovery::scores() const
{
    std::vector<torch::Tensor> out;
    for (const auto& c : m_c)
        out.push_back(c.detach().abs());
    return out;
}

std::int64_t EspnMaskDiscovery::totalEntries() const
{
    std::int64_t n = 0;
    for (const auto& c : m_c)
        n += c.numel();
    return n;
}

void EspnMaskDiscovery::foldInto(Model& live, const MaskSet& liveMasks) const
{
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < m_weights.size(); ++i)
        liveMasks.tensors()[i].weight.copy_(m_weights[i] * m_c[i]);
    // Only the biases of the layers whose weights were masked travel back (the authors copy
    // Conv/Linear weights and biases into the original model object; BN is not carried over).
    std::vector<std::string> biasNames;
    for (const auto& name : m_names)
        if (endsWith(name, "weight"))
            biasNames.push_back(name.substr(0, name.size() - 6) + "bias");
    auto liveParams = live.module.named_parameters(/*recurse=*/true);
    for (const auto& p : m_model.module.named_parameters(/*recurse=*/true)) {
        if (std::find(biasNames.begin(), biasNames.end(), p.name) == biasNames.end())
            continue;
        for (const auto& q : liveParams)
            if (q.name == p.name)
                q.value.copy_(p.value);
    }
}

} // namespace espalier::core
