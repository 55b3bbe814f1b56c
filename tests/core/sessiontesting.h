#pragma once
// Helpers shared by the core tests that drive a Session from another thread.

#include <chrono>
#include <thread>
#include <vector>

#include <QString>

#include "espalier/core/session.h"
#include "torch_pch.h"

namespace espalier::core::testing {

/// Polls the session's snapshot until `done` holds (true) or 30 s pass (false).
template <typename Predicate>
bool waitFor(Session& session, Predicate done)
{
    for (int i = 0; i < 3000; ++i) {
        if (done(session.snapshot()))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

/// The session's parameters as TorchScript saves them (masks folded in), read back from `path`.
inline std::vector<torch::Tensor> savedParameters(const Session& session, const QString& path)
{
    session.saveModel(path.toStdString());
    std::vector<torch::Tensor> params;
    for (const auto& p : torch::jit::load(path.toStdString()).parameters())
        params.push_back(p.detach().clone());
    return params;
}

} // namespace espalier::core::testing
