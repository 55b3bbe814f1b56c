#include "maskset.h"

#include <stdexcept>

namespace espalier::core {

MaskSet::MaskSet(const std::vector<PrunableTensor>& tensors) : m_tensors(tensors)
{
    for (const auto& t : tensors)
        m_masks.push_back(torch::ones(t.weight.sizes(), torch::kBool));
    m_keepsAll.assign(m_masks.size(), true);
}

void MaskSet::setMasks(std::vector<torch::Tensor> masks)
{
    if (masks.size() != m_masks.size())
        throw std::logic_error("MaskSet::setMasks: wrong number of masks");
    for (std::size_t i = 0; i < masks.size(); ++i) {
        if (!masks[i].sizes().equals(m_tensors[i].weight.sizes()))
            throw std::logic_error("MaskSet::setMasks: mask shape does not match " + m_tensors[i].name);
        m_masks[i] = masks[i].to(torch::kBool).contiguous();
        m_keepsAll[i] = m_masks[i].all().item<bool>();
    }
}

void MaskSet::applyToWeights()
{
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < m_masks.size(); ++i)
        if (!m_keepsAll[i])
            m_tensors[i].weight.mul_(m_masks[i]);
    for (auto& h : m_held)
        h.tensor.mul_(h.keep);
}

void MaskSet::maskGradients()
{
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < m_masks.size(); ++i) {
        auto grad = m_tensors[i].weight.mutable_grad();
        if (grad.defined() && !m_keepsAll[i])
            grad.mul_(m_masks[i]);
    }
    for (auto& h : m_held)
        if (h.tensor.mutable_grad().defined())
            h.tensor.mutable_grad().mul_(h.keep);
}

void MaskSet::maskOptimizerState(torch::optim::Optimizer& optimizer)
{
    torch::NoGradGuard noGrad;
    auto& state = optimizer.state();
    auto maskState = [&](const torch::Tensor& tensor, const torch::Tensor& keep) {
        auto it = state.find(c10::guts::to_string(tensor.unsafeGetTensorImpl()));
        if (it == state.end())
            return;
        if (auto* sgd = dynamic_cast<torch::optim::SGDParamState*>(it->second.get())) {
            if (sgd->momentum_buffer().defined())
                sgd->momentum_buffer().mul_(keep);
        } else if (auto* adam = dynamic_cast<torch::optim::AdamParamState*>(it->second.get())) {
            adam->exp_avg().mul_(keep);
            adam->exp_avg_sq().mul_(keep);
        }
    };
    for (std::size_t i = 0; i < m_masks.size(); ++i)
        maskState(m_tensors[i].weight, m_masks[i]);
    for (const auto& h : m_held)
        maskState(h.tensor, h.keep);
}

std::int64_t MaskSet::kept(std::size_t layer) const
{
    return m_masks[layer].sum().item<std::int64_t>();
}

std::int64_t MaskSet::totalKept() const
{
    std::int64_t k = 0;
    for (std::size_t i = 0; i < m_masks.size(); ++i)
        k += kept(i);
    return k;
}

std::int64_t MaskSet::totalNumel() const
{
    std::int64_t n = 0;
    for (const auto& m : m_masks)
        n += m.numel();
    return n;
}

double MaskSet::sparsity() const
{
    const auto n = totalNumel();
    return n > 0 ? 1.0 - double(totalKept()) / double(n) : 0.0;
}

std::int64_t MaskSet::drift(std::size_t layer) const
{
    torch::NoGradGuard noGrad;
    return (m_tensors[layer].weight.ne(0) & m_masks[layer].logical_not()).sum().item<std::int64_t>();
}

} // namespace espalier::core
