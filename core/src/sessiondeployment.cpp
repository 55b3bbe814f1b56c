// What the pruning buys: the session's model measured for deployment, on a copy, at a safe point.
#include <cstdio>

#include "deploymentmeasure.h"
#include "modelcopy.h"
#include "sessionimpl.h"

namespace espalier::core {
namespace {

void checkDeploymentRequest(const std::vector<std::int64_t>& batches, int repeats)
{
    if (batches.empty())
        throw InputError("deployment measurement: give at least one batch size");
    for (const auto b : batches)
        if (b < 1)
            throw InputError("deployment measurement: batch size " + std::to_string(b) + " must be at least 1");
    if (repeats < 1)
        throw InputError("deployment measurement: repeats must be at least 1");
}

std::string summary(const BenchRow& row)
{
    char line[160];
    std::snprintf(line, sizeof line, "deployment: %.1f KiB stored (dense %.1f KiB), %lld of %lld MACs per sample",
                  double(row.compressedBytes) / 1024.0, double(row.denseBytes) / 1024.0,
                  static_cast<long long>(row.nonzeroMacs), static_cast<long long>(row.macs));
    std::string text = line;
    for (const auto& l : row.latency) {
        std::snprintf(line, sizeof line, "; batch %lld: %.3f ms dense, %.3f ms sparse (%.2f×)",
                      static_cast<long long>(l.batch), l.denseMs, l.sparseMs, l.sparseMs > 0 ? l.denseMs / l.sparseMs : 0.0);
        text += line;
    }
    return text;
}

} // namespace

void Session::requestDeploymentMeasurement(const std::vector<std::int64_t>& batches, int repeats)
{
    checkDeploymentRequest(batches, repeats);
    m_impl->control.post([impl = m_impl.get(), batches, repeats] { impl->measureDeployment(batches, repeats); });
}

DeploymentState Session::measureDeployment(const std::vector<std::int64_t>& batches, int repeats)
{
    checkDeploymentRequest(batches, repeats);
    m_impl->measureDeployment(batches, repeats);
    return snapshot().deployment;
}

void Session::Impl::measureDeployment(const std::vector<std::int64_t>& batches, int repeats)
{
    update([&](Snapshot& s) {
        s.deployment.running = true;
        s.deployment.message.clear();
    });
    publish(true);
    std::optional<BenchRow> row;
    std::string message;
    try {
        // A copy: eval mode and the rewritten graph must not touch the model being trained.
        auto [copy, copyMasks] = copyMaskedModel(model, masks);
        copyMasks.applyToWeights();
        row = core::measureDeployment(copy, copyMasks, data.test, batches, repeats);
        log(summary(*row));
    } catch (const std::exception& e) {
        message = std::string("deployment measurement failed: ") + e.what();
        log(message);
    }
    update([&](Snapshot& s) {
        s.deployment.running = false;
        s.deployment.message = message;
        if (row) {
            s.deployment.row = std::move(row);
            s.deployment.round = roundsStarted;
            s.deployment.sparsity = masks.sparsity();
            s.deployment.threads = threads();
        }
    });
    publish(true);
}

} // namespace espalier::core
