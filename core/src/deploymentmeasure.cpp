#include "deploymentmeasure.h"

#include <chrono>

#include "sparseexecution.h"
#include "timing.h"

namespace espalier::core {

BenchRow measureDeployment(Model& model, const MaskSet& masks, const TensorDataset& test,
                           const std::vector<std::int64_t>& batches, int repeats)
{
    torch::NoGradGuard noGrad;
    model.module.eval();
    BenchRow row;
    for (const auto& p : model.module.parameters()) {
        row.parameters += p.numel();
        row.nonzeros += p.ne(0).sum().item<std::int64_t>();
    }
    row.denseBytes = 4 * row.parameters;
    std::int64_t prunable = 0;
    std::int64_t prunableZero = 0;
    row.compressedBytes = row.denseBytes;
    for (const auto& t : masks.tensors()) {
        const auto n = t.weight.numel();
        const auto nz = t.weight.ne(0).sum().item<std::int64_t>();
        prunable += n;
        prunableZero += n - nz;
        row.compressedBytes += (n + 7) / 8 + 4 * nz - 4 * n;
    }
    row.sparsity = prunable > 0 ? double(prunableZero) / double(prunable) : 0.0;

    for (const auto batch : batches) {
        SparseExecution sparse(model, batch);
        if (row.latency.empty()) {
            for (const auto& layer : sparse.layers()) {
                row.macs += layer.macsPerSample;
                row.nonzeroMacs += layer.entries > 0 ? layer.macsPerSample * layer.nonzeros / layer.entries : 0;
            }
            const auto n = std::min<std::int64_t>(256, test.size());
            const auto x = test.images.slice(0, 0, n);
            row.maxDifference = (model.forward(x) - sparse.forward(x)).abs().max().item<double>();
        }
        auto shape = model.inputShape;
        shape.insert(shape.begin(), batch);
        const auto x = torch::randn(shape);
        model.forward(x); // warm-up
        sparse.forward(x);
        std::vector<double> dense, fast;
        for (int i = 0; i < repeats; ++i) { // taking turns, so drift hits both alike
            auto start = std::chrono::steady_clock::now();
            model.forward(x);
            dense.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            start = std::chrono::steady_clock::now();
            sparse.forward(x);
            fast.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        BenchLatency latency{batch, median(dense), median(fast), 0, {}};
        for (const auto& layer : sparse.layers()) {
            latency.sparseLayers += layer.sparse ? 1 : 0;
            latency.layers.push_back({layer.layer, layer.entries > 0 ? double(layer.nonzeros) / double(layer.entries) : 1.0,
                                      layer.denseMs, layer.sparseMs, layer.sparse});
        }
        row.latency.push_back(latency);
    }
    return row;
}

} // namespace espalier::core
