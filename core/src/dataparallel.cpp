#include "dataparallel.h"

#include <chrono>
#include <cstdlib>

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "espalier/core/errors.h"

namespace espalier::core {

void validate(const DistributedSettings& s)
{
    if (s.worldSize < 1)
        throw InputError("world size " + std::to_string(s.worldSize) + ": it must be at least 1");
    if (s.rank < 0 || s.rank >= s.worldSize)
        throw InputError("rank " + std::to_string(s.rank) + " is outside a world of " + std::to_string(s.worldSize) +
                         " (ranks are 0 to " + std::to_string(s.worldSize - 1) + ")");
    if (s.masterPort < 1 || s.masterPort > 65535)
        throw InputError("master port " + std::to_string(s.masterPort) + ": it must be 1 to 65535");
    if (s.masterAddress.empty())
        throw InputError("the master address is empty (--master ADDR:PORT or MASTER_ADDR)");
    if (!(s.timeoutSeconds > 0))
        throw InputError("distributed timeout " + std::to_string(s.timeoutSeconds) + " s: it must be positive");
}

struct DataParallel::Group {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
};

namespace {

std::string describe(const DistributedSettings& s)
{
    return "rank " + std::to_string(s.rank) + " of " + std::to_string(s.worldSize) + " (master " + s.masterAddress +
           ":" + std::to_string(s.masterPort) + ")";
}

// LibTorch's messages carry a C++ backtrace that means nothing to a user.
std::string message(const std::exception& e)
{
    if (const auto* torchError = dynamic_cast<const c10::Error*>(&e))
        return torchError->what_without_backtrace();
    return e.what();
}

// The network interface Gloo talks over: GLOO_SOCKET_IFNAME when set (as in PyTorch), loopback for
// a run on this machine, else the address this host's name resolves to.
std::shared_ptr<::gloo::transport::Device> glooDevice(const std::string& masterAddress)
{
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface)
        return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    if (masterAddress == "127.0.0.1" || masterAddress == "localhost")
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

} // namespace

DataParallel::DataParallel(const DistributedSettings& settings) : m_settings(settings), m_group(std::make_unique<Group>())
{
    validate(settings);
    const auto timeout = std::chrono::milliseconds(std::int64_t(settings.timeoutSeconds * 1000.0));
    try {
        c10d::TCPStoreOptions options;
        options.port = std::uint16_t(settings.masterPort);
        options.isServer = settings.rank == 0;
        options.numWorkers = std::size_t(settings.worldSize);
        options.waitWorkers = true;
        options.timeout = timeout;
        m_group->store = c10::make_intrusive<c10d::TCPStore>(settings.masterAddress, options);
        auto glooOptions = c10d::ProcessGroupGloo::Options::create(timeout);
        glooOptions->devices.push_back(glooDevice(settings.masterAddress));
        m_group->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(m_group->store, settings.rank, settings.worldSize,
                                                                     glooOptions);
    } catch (const std::exception& e) {
        throw DistributedError("distributed run, " + describe(settings) + ": could not meet the other ranks (waited up to " +
                               std::to_string(int(settings.timeoutSeconds)) + " s): " + message(e));
    }
}

DataParallel::~DataParallel() = default;

void DataParallel::run(const std::string& operation, const std::function<void()>& collective) const
{
    try {
        collective();
    } catch (const std::exception& e) {
        throw DistributedError("distributed run, " + describe(m_settings) + ": " + operation +
                               " failed (a peer stopped or did not answer within " +
                               std::to_string(int(m_settings.timeoutSeconds)) + " s): " + message(e));
    }
}

torch::Tensor DataParallel::shard(const torch::Tensor& globalIndex) const
{
    const std::int64_t n = globalIndex.size(0);
    const std::int64_t begin = n * m_settings.rank / m_settings.worldSize;
    const std::int64_t end = n * (m_settings.rank + 1) / m_settings.worldSize;
    return globalIndex.slice(0, begin, end);
}

BatchTotals DataParallel::allReduceGradients(const std::vector<torch::Tensor>& parameters, std::int64_t shardSize,
                                             std::int64_t globalSize, BatchTotals local)
{
    torch::NoGradGuard noGrad;
    const double weight = globalSize > 0 ? double(shardSize) / double(globalSize) : 0.0;
    // One float32 buffer: the weighted gradients, then per parameter whether this rank has a
    // gradient for it (a parameter no rank touched keeps no gradient, as alone), then the totals.
    std::vector<torch::Tensor> pieces;
    pieces.reserve(parameters.size() + 2);
    std::vector<float> tail;
    for (const auto& p : parameters) {
        const auto& g = p.grad();
        pieces.push_back(g.defined() ? g.reshape(-1).to(torch::kFloat) * weight : torch::zeros({p.numel()}, torch::kFloat));
        tail.push_back(g.defined() ? 1.0f : 0.0f);
    }
    tail.push_back(float(local.lossSum));
    tail.push_back(float(local.correct));
    pieces.push_back(torch::tensor(tail, torch::kFloat));
    std::vector<torch::Tensor> buffer{torch::cat(pieces)};
    run("the gradient all-reduce", [&] { m_group->gloo->allreduce(buffer)->wait(); });
    const float* summed = buffer[0].data_ptr<float>();
    std::int64_t offset = 0;
    const std::int64_t flags = buffer[0].numel() - std::int64_t(parameters.size()) - 2;
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        const auto& p = parameters[i];
        const auto n = p.numel();
        if (summed[flags + std::int64_t(i)] > 0.0f) {
            auto sum = buffer[0].slice(0, offset, offset + n).view(p.sizes()).to(p.scalar_type());
            if (p.grad().defined())
                p.mutable_grad().copy_(sum);
            else
                p.mutable_grad() = sum.clone();
        }
        offset += n;
    }
    const std::int64_t totals = buffer[0].numel() - 2;
    return {double(summed[totals]), std::llround(double(summed[totals + 1]))};
}

void DataParallel::broadcastFromRankZero(const std::vector<torch::Tensor>& tensors, const std::string& what)
{
    torch::NoGradGuard noGrad;
    for (const auto& t : tensors) {
        // Gloo has no bool: masks travel as bytes.
        const bool direct = t.is_contiguous() && t.scalar_type() != torch::kBool;
        std::vector<torch::Tensor> one{direct ? t : t.contiguous().to(t.scalar_type() == torch::kBool ? torch::kUInt8
                                                                                                   : t.scalar_type())};
        run("broadcasting " + what, [&] { m_group->gloo->broadcast(one)->wait(); });
        if (!direct)
            t.copy_(one[0]);
    }
}

std::vector<std::uint64_t> DataParallel::gatherChecksums(std::uint64_t local, const std::string& what)
{
    std::vector<torch::Tensor> input{torch::tensor({std::int64_t(local)}, torch::kLong)};
    std::vector<std::vector<torch::Tensor>> output(1);
    for (int r = 0; r < m_settings.worldSize; ++r)
        output[0].push_back(torch::empty({1}, torch::kLong));
    run("comparing " + what, [&] { m_group->gloo->allgather(output, input)->wait(); });
    std::vector<std::uint64_t> sums;
    for (const auto& t : output[0])
        sums.push_back(std::uint64_t(t.item<std::int64_t>()));
    return sums;
}

std::uint64_t checksum(const std::vector<torch::Tensor>& tensors)
{
    std::uint64_t hash = 1469598103934665603ull;
    for (const auto& t : tensors) {
        const auto bytes = t.detach().contiguous().cpu();
        const auto* data = static_cast<const unsigned char*>(bytes.data_ptr());
        const auto size = bytes.numel() * std::int64_t(bytes.element_size());
        for (std::int64_t i = 0; i < size; ++i) {
            hash ^= data[i];
            hash *= 1099511628211ull;
        }
    }
    return hash;
}

} // namespace espalier::core
