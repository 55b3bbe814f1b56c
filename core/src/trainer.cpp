#include "trainer.h"

#include <chrono>
#include <cmath>
#include <numbers>

#include "maskedsgdstep.h"

namespace espalier::core {

Trainer::Trainer(Model& model, MaskSet& masks, const TrainSettings& settings)
    : m_model(model), m_masks(masks), m_settings(settings)
{
    auto params = model.parameters();
    if (settings.optimizer == "adam") {
        m_optimizer = std::make_unique<torch::optim::Adam>(
            params, torch::optim::AdamOptions(settings.lr).weight_decay(settings.weightDecay));
    } else {
        m_optimizer = std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(settings.lr)
                                                                      .momentum(settings.momentum)
                                                                      .nesterov(settings.nesterov)
                                                                      .weight_decay(settings.weightDecay));
    }
}

Trainer::~Trainer() = default;

double Trainer::learningRate(int epoch) const
{
    const auto& s = m_settings.lrSchedule;
    if (s.type == "step")
        return m_settings.lr * std::pow(s.gamma, epoch / std::max(1, s.step));
    if (s.type == "multistep") {
        int passed = 0;
        for (int m : s.milestones)
            passed += epoch >= m ? 1 : 0;
        return m_settings.lr * std::pow(s.gamma, passed);
    }
    if (s.type == "cosine" && m_settings.epochs > 0)
        return m_settings.lr * 0.5 * (1.0 + std::cos(std::numbers::pi * epoch / m_settings.epochs));
    return m_settings.lr;
}

void Trainer::setL1Penalty(std::vector<torch::Tensor> tensors, double lambda)
{
    m_penalised = std::move(tensors);
    m_penalty = lambda;
}

void Trainer::onMasksChanged()
{
    m_masks.applyToWeights();
    m_masks.maskOptimizerState(*m_optimizer);
}

namespace {

std::string stateKey(const torch::Tensor& parameter)
{
    // torch::optim keys its per-parameter state by the parameter's TensorImpl address.
    return c10::guts::to_string(parameter.unsafeGetTensorImpl());
}

} // namespace

std::vector<ParamOptimizerState> Trainer::optimizerState() const
{
    std::vector<ParamOptimizerState> out;
    const auto& state = m_optimizer->state();
    for (const auto& parameter : m_model.parameters()) {
        ParamOptimizerState slots;
        const auto it = state.find(stateKey(parameter));
        if (it != state.end()) {
            if (const auto* sgd = dynamic_cast<const torch::optim::SGDParamState*>(it->second.get())) {
                if (sgd->momentum_buffer().defined())
                    slots["momentum_buffer"] = sgd->momentum_buffer().detach().clone();
            } else if (const auto* adam = dynamic_cast<const torch::optim::AdamParamState*>(it->second.get())) {
                slots["step"] = torch::tensor(adam->step(), torch::kLong);
                slots["exp_avg"] = adam->exp_avg().detach().clone();
                slots["exp_avg_sq"] = adam->exp_avg_sq().detach().clone();
                if (adam->max_exp_avg_sq().defined())
                    slots["max_exp_avg_sq"] = adam->max_exp_avg_sq().detach().clone();
            }
        }
        out.push_back(std::move(slots));
    }
    return out;
}

void Trainer::setOptimizerState(const std::vector<ParamOptimizerState>& saved)
{
    auto& state = m_optimizer->state();
    const auto parameters = m_model.parameters();
    if (saved.size() != parameters.size())
        throw std::logic_error("optimizer state for " + std::to_string(saved.size()) + " parameters, the model has " +
                               std::to_string(parameters.size()));
    const bool adam = dynamic_cast<torch::optim::Adam*>(m_optimizer.get()) != nullptr;
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        const auto& slots = saved[i];
        const auto key = stateKey(parameters[i]);
        state.erase(key);
        if (slots.empty())
            continue;
        const auto slot = [&](const char* name) {
            const auto it = slots.find(name);
            if (it == slots.end())
                throw std::logic_error(std::string("optimizer state lacks '") + name + "'");
            return it->second.clone();
        };
        if (adam) {
            auto param = std::make_unique<torch::optim::AdamParamState>();
            param->step(slot("step").item<std::int64_t>());
            param->exp_avg(slot("exp_avg"));
            param->exp_avg_sq(slot("exp_avg_sq"));
            if (slots.count("max_exp_avg_sq"))
                param->max_exp_avg_sq(slot("max_exp_avg_sq"));
            state[key] = std::move(param);
        } else {
            auto param = std::make_unique<torch::optim::SGDParamState>();
            param->momentum_buffer(slot("momentum_buffer"));
            state[key] = std::move(param);
        }
    }
}

EpochStats Trainer::trainEpoch(int epoch, const TensorDataset& data, torch::Generator& generator,
                               const BatchCallback& afterBatch)
{
    const auto start = std::chrono::steady_clock::now();
    const double lr = learningRate(epoch);
    for (auto& group : m_optimizer->param_groups())
        group.options().set_lr(lr);

    m_model.module.train();
    const std::int64_t n = data.size();
    const std::int64_t batch = m_settings.batch;
    const std::int64_t batches = (n + batch - 1) / batch;
    auto order = torch::randperm(n, generator, torch::kLong);
    double lossSum = 0.0;
    std::int64_t correct = 0;
    const auto parameters = optimizedParameters(*m_optimizer);
    for (std::int64_t b = 0; b < batches; ++b) {
        auto index = order.slice(0, b * batch, std::min(n, (b + 1) * batch));
        m_optimizer->zero_grad();
        const auto totals = forwardBackward(m_model, data, index, parameters, m_parallel, m_microBatches);
        if (m_penalty > 0) {
            torch::NoGradGuard noGrad;
            for (auto& t : m_penalised)
                if (t.mutable_grad().defined())
                    t.mutable_grad().add_(t.sign(), m_penalty);
        }
        if (auto* sgd = dynamic_cast<torch::optim::SGD*>(m_optimizer.get())) {
            maskedSgdStep(*sgd, m_masks);
        } else {
            m_masks.maskGradients();
            m_optimizer->step();
            m_masks.applyToWeights();
        }

        const double batchLoss = totals.lossSum / double(index.numel());
        if (!std::isfinite(batchLoss))
            throw std::runtime_error("training diverged: the loss became " + std::to_string(batchLoss) + " in epoch " +
                                     std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1) +
                                     " (lower the learning rate)");
        lossSum += totals.lossSum;
        correct += totals.correct;
        if (afterBatch)
            afterBatch({b + 1, batches, lossSum / double(std::min(n, (b + 1) * batch))});
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return {lossSum / double(n), double(correct) / double(n), seconds, double(n) / seconds};
}

namespace {

// Forward and backward of the mean cross-entropy over `part` (nothing for an empty part).
BatchTotals forwardBackwardPart(Model& model, const TensorDataset& data, const torch::Tensor& part,
                                const std::function<void()>& beforeForward)
{
    BatchTotals totals;
    if (part.numel() == 0) // a rank's shard of a short last batch can be empty
        return totals;
    if (beforeForward)
        beforeForward();
    auto x = data.images.index_select(0, part);
    auto y = data.labels.index_select(0, part);
    auto logits = model.forward(x);
    auto crossEntropy = torch::nn::functional::cross_entropy(logits, y);
    crossEntropy.backward();
    totals.lossSum = crossEntropy.item<double>() * double(part.numel());
    totals.correct = logits.detach().argmax(1).eq(y).sum().item<std::int64_t>();
    return totals;
}

} // namespace

BatchTotals forwardBackward(Model& model, const TensorDataset& data, const torch::Tensor& index,
                            const std::vector<torch::Tensor>& parameters, DataParallel* group, int microBatches,
                            const std::function<void()>& beforeForward)
{
    if (group) {
        const auto mine = group->shard(index);
        return group->allReduceGradients(parameters, mine.numel(), index.numel(),
                                         forwardBackwardPart(model, data, mine, beforeForward));
    }
    if (microBatches <= 1)
        return forwardBackwardPart(model, data, index, beforeForward);
    // The parts' gradients, each weighted by its share of the batch, summed in part order: the
    // same float operations as DataParallel::allReduceGradients over that many ranks.
    const std::int64_t n = index.numel();
    std::vector<torch::Tensor> sums(parameters.size());
    BatchTotals totals;
    for (int j = 0; j < microBatches; ++j) {
        const auto part = index.slice(0, n * j / microBatches, n * (j + 1) / microBatches);
        for (const auto& p : parameters)
            if (p.grad().defined())
                p.mutable_grad().zero_();
        const auto partTotals = forwardBackwardPart(model, data, part, beforeForward);
        totals.lossSum += partTotals.lossSum;
        totals.correct += partTotals.correct;
        if (part.numel() == 0)
            continue;
        torch::NoGradGuard noGrad;
        const double weight = double(part.numel()) / double(n);
        for (std::size_t i = 0; i < parameters.size(); ++i) {
            const auto& g = parameters[i].grad();
            if (!g.defined())
                continue;
            auto weighted = g * weight;
            sums[i] = sums[i].defined() ? sums[i] + weighted : weighted;
        }
    }
    for (std::size_t i = 0; i < parameters.size(); ++i)
        if (sums[i].defined())
            parameters[i].mutable_grad() = sums[i];
    return totals;
}

std::vector<torch::Tensor> optimizedParameters(torch::optim::Optimizer& optimizer)
{
    std::vector<torch::Tensor> parameters;
    for (const auto& group : optimizer.param_groups())
        for (const auto& p : group.params())
            parameters.push_back(p);
    return parameters;
}

Evaluation evaluate(Model& model, const TensorDataset& data, std::int64_t batch)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = model.module.is_training();
    model.module.eval();
    Evaluation result;
    double lossSum = 0.0;
    std::int64_t correct = 0;
    for (std::int64_t start = 0; start < data.size(); start += batch) {
        const auto end = std::min(data.size(), start + batch);
        auto logits = model.forward(data.images.slice(0, start, end));
        auto y = data.labels.slice(0, start, end);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
    }
    model.module.train(wasTraining);
    result.samples = data.size();
    if (result.samples > 0) {
        result.loss = lossSum / double(result.samples);
        result.accuracy = double(correct) / double(result.samples);
    }
    return result;
}

} // namespace espalier::core
