#include "maskedsgdstep.h"

#include <stdexcept>
#include <unordered_map>

#include <ATen/Parallel.h>

#include "vectorclones.h"

namespace espalier::core {
namespace {

struct SgdConstants {
    float lr;
    float momentum;
    float dampening;
    float weightDecay;
    bool nesterov;
};

// d = g·keep + λ·p; buf = μ·buf + (1 − τ)·d (buf = d on the first step); d = buf (or d + μ·buf);
// p = (p − lr·d)·keep. `keep` null = every entry kept; `buffer` null = no momentum.
ESPALIER_VECTOR_CLONES void updateRange(float* p, const float* g, float* buffer, bool firstStep, const bool* keep,
                                        const SgdConstants& c, std::int64_t begin, std::int64_t end)
{
    for (std::int64_t i = begin; i < end; ++i) {
        const float kept = keep ? float(keep[i]) : 1.0f;
        float d = g[i] * kept + c.weightDecay * p[i];
        if (buffer) {
            const float b = firstStep ? d : c.momentum * buffer[i] + (1.0f - c.dampening) * d;
            buffer[i] = b;
            d = c.nesterov ? d + c.momentum * b : b;
        }
        p[i] = (p[i] - c.lr * d) * kept;
    }
}

// The mask of every parameter that has one (weights not fully kept, held entries of a channel cut).
std::unordered_map<const c10::TensorImpl*, torch::Tensor> masksByParameter(const MaskSet& masks)
{
    std::unordered_map<const c10::TensorImpl*, torch::Tensor> out;
    for (std::size_t i = 0; i < masks.size(); ++i)
        if (!masks.keepsAll(i))
            out[masks.tensors()[i].weight.unsafeGetTensorImpl()] = masks.mask(i);
    for (const auto& held : masks.heldEntries())
        out[held.tensor.unsafeGetTensorImpl()] = held.keep.to(torch::kBool).contiguous();
    return out;
}

} // namespace

void maskedSgdStep(torch::optim::SGD& optimizer, const MaskSet& masks)
{
    torch::NoGradGuard noGrad;
    const auto maskOf = masksByParameter(masks);
    auto& state = optimizer.state();
    for (auto& group : optimizer.param_groups()) {
        const auto& o = static_cast<const torch::optim::SGDOptions&>(group.options());
        const SgdConstants c{float(o.lr()), float(o.momentum()), float(o.dampening()), float(o.weight_decay()),
                             o.nesterov()};
        for (auto& parameter : group.params()) {
            const auto& grad = parameter.grad();
            if (!grad.defined())
                continue;
            if (parameter.scalar_type() != torch::kFloat32 || !parameter.is_contiguous() || !grad.is_contiguous())
                throw std::logic_error("maskedSgdStep: float32 contiguous parameters and gradients only");
            const auto found = maskOf.find(parameter.unsafeGetTensorImpl());
            const bool* keep = found == maskOf.end() ? nullptr : found->second.data_ptr<bool>();
            float* buffer = nullptr;
            bool firstStep = false;
            if (c.momentum != 0.0f) {
                // torch::optim keys its per-parameter state by the parameter's TensorImpl address.
                const auto key = c10::guts::to_string(parameter.unsafeGetTensorImpl());
                auto it = state.find(key);
                if (it == state.end()) {
                    auto fresh = std::make_unique<torch::optim::SGDParamState>();
                    fresh->momentum_buffer(torch::empty_like(parameter));
                    it = state.emplace(key, std::move(fresh)).first;
                    firstStep = true;
                }
                auto& sgd = static_cast<torch::optim::SGDParamState&>(*it->second);
                if (!sgd.momentum_buffer().is_contiguous())
                    sgd.momentum_buffer(sgd.momentum_buffer().contiguous());
                buffer = sgd.momentum_buffer().data_ptr<float>();
            }
            float* p = parameter.data_ptr<float>();
            const float* g = grad.data_ptr<float>();
            at::parallel_for(0, parameter.numel(), 32768, [&](std::int64_t begin, std::int64_t end) {
                updateRange(p, g, buffer, firstStep, keep, c, begin, end);
            });
        }
    }
}

} // namespace espalier::core
