#pragma once
// Helpers shared by the core tests that drive a Session from another thread.

#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include <QString>

#include "espalier/core/errors.h"
#include "espalier/core/session.h"
#include "torch_pch.h"

namespace espalier::core::testing {

/// LeNet-300-100 on 256 seeded synthetic samples, magnitude to 90 %, one epoch each side, one thread:
/// a whole session in about a second.
inline Recipe syntheticRecipe()
{
    Recipe r;
    r.model.name = "lenet300";
    r.data.name = "synthetic";
    r.data.root = "";
    r.data.trainLimit = 256;
    r.method = "magnitude";
    r.targetSparsity = 0.9;
    r.pretrain.epochs = 1;
    r.pretrain.lr = 0.05;
    r.train.epochs = 1;
    r.train.batch = 64;
    r.train.lr = 0.05;
    r.threads = 1;
    return r;
}

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

/// Waits for a session started paused to pause, steps one round and waits until it pauses again
/// with `rounds` round records: the state between two rounds that tests of paused actions need.
inline bool pauseAfterNextRound(Session& session, std::size_t rounds)
{
    if (!waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused; }))
        return false;
    session.step();
    return waitFor(session,
                   [&](const Snapshot& s) { return s.state == SessionState::Paused && s.rounds.size() == rounds; });
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

/// Copies of every parameter and buffer of `module`, in order: compare with sameTensors to prove
/// that something left the model untouched.
inline std::vector<torch::Tensor> moduleState(const torch::jit::Module& module)
{
    std::vector<torch::Tensor> out;
    for (const auto& p : module.named_parameters())
        out.push_back(p.value.detach().clone());
    for (const auto& b : module.named_buffers())
        out.push_back(b.value.detach().clone());
    return out;
}

/// Every tensor equal, bit for bit.
inline bool sameTensors(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!torch::equal(a[i], b[i]))
            return false;
    return true;
}

/// The message of the InputError `f` throws; empty when it throws none.
inline QString inputErrorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace espalier::core::testing
