// Data-parallel training over c10d/Gloo, two ranks as two threads of this process: the summed
// shard gradients round exactly as the same batch computed alone in two micro-batches and equal
// the whole batch's gradient up to rounding; masks broadcast as bytes; a silent peer is an error
// within the timeout, naming the rank and the operation.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>

#include <QtTest>

#include "dataparallel.h"
#include "espalier/core/errors.h"
#include "model.h"
#include "testregistry.h"
#include "trainer.h"

namespace tst_dataparallel {

using namespace espalier::core;

namespace {

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

DistributedSettings rankOf(int rank, int port, double timeoutSeconds = 30.0)
{
    DistributedSettings s;
    s.worldSize = 2;
    s.rank = rank;
    s.masterPort = port;
    s.timeoutSeconds = timeoutSeconds;
    return s;
}

// Runs `work(group)` on ranks 0 and 1 at once; returns what each returned.
template <typename Work>
auto onTwoRanks(Work work, double timeoutSeconds = 30.0)
{
    const int port = freePort();
    auto rank = [&](int r) {
        DataParallel group(rankOf(r, port, timeoutSeconds));
        return work(group);
    };
    auto one = std::async(std::launch::async, rank, 1);
    auto zero = rank(0);
    return std::make_pair(std::move(zero), one.get());
}

Model lenet(std::uint64_t seed)
{
    torch::manual_seed(seed);
    return makeModel({.name = "lenet300", .widthMultiplier = 1.0}, {1, 28, 28}, 10);
}

std::vector<torch::Tensor> gradients(const Model& model)
{
    std::vector<torch::Tensor> out;
    for (const auto& p : model.module.parameters())
        out.push_back(p.grad().clone());
    return out;
}

std::vector<torch::Tensor> parameters(const Model& model)
{
    std::vector<torch::Tensor> out;
    for (const auto& p : model.module.parameters())
        out.push_back(p);
    return out;
}

} // namespace

class TestDataParallel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void twoRanksRoundAsTwoMicroBatches();
    void broadcastsMasksAndComparesChecksums();
    void silentPeerIsAnErrorWithinTheTimeout();
    void rejectsARankOutsideTheWorld();
};

void TestDataParallel::twoRanksRoundAsTwoMicroBatches()
{
    torch::manual_seed(11);
    const TensorDataset data{torch::randn({51, 1, 28, 28}), torch::randint(10, {51}, torch::kLong)};
    const auto batch = torch::arange(51, torch::kLong); // 25 + 26: unequal shards weigh 25/51 and 26/51

    // Built here: the global generator is not for two threads at once.
    std::vector<Model> models{lenet(3), lenet(3)};
    auto [zero, one] = onTwoRanks([&](DataParallel& group) {
        auto& model = models[std::size_t(group.rank())];
        const auto totals = forwardBackward(model, data, batch, parameters(model), &group);
        return std::make_tuple(gradients(model), totals, group.shard(batch));
    });
    QVERIFY(torch::equal(std::get<2>(zero), torch::arange(0, 25, torch::kLong)));
    QVERIFY(torch::equal(std::get<2>(one), torch::arange(25, 51, torch::kLong)));
    auto alone = lenet(3);
    const auto totals = forwardBackward(alone, data, batch, parameters(alone), nullptr, 2);
    auto whole = lenet(3);
    const auto wholeTotals = forwardBackward(whole, data, batch, parameters(whole), nullptr, 1);

    const auto expected = gradients(alone);
    const auto wholeBatch = gradients(whole);
    const auto& [zeroGradients, zeroTotals, zeroShard] = zero;
    const auto& [oneGradients, oneTotals, oneShard] = one;
    QCOMPARE(zeroGradients.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QVERIFY2(torch::equal(zeroGradients[i], expected[i]), "rank 0's summed gradient is bit for bit the 2-part one");
        QVERIFY2(torch::equal(oneGradients[i], expected[i]), "rank 1 holds the same sum");
        QVERIFY2(torch::allclose(expected[i], wholeBatch[i], 1e-4, 1e-6), "the mean gradient of the whole batch");
        QVERIFY(expected[i].abs().sum().item<double>() > 0.0);
    }
    QCOMPARE(zeroTotals.correct, totals.correct);
    QCOMPARE(oneTotals.correct, wholeTotals.correct);
    QVERIFY(std::abs(zeroTotals.lossSum - wholeTotals.lossSum) < 1e-4 * wholeTotals.lossSum);
}

void TestDataParallel::broadcastsMasksAndComparesChecksums()
{
    auto [zero, one] = onTwoRanks([](DataParallel& group) {
        auto mask = torch::zeros({4, 3}, torch::kBool);
        mask[group.rank()][group.rank()] = true; // rank 0: (0,0), rank 1: (1,1)
        const auto before = group.gatherChecksums(checksum({mask}), "the test masks");
        group.broadcastFromRankZero({mask}, "the test masks");
        const auto after = group.gatherChecksums(checksum({mask}), "the test masks");
        return std::make_tuple(mask, before, after);
    });
    auto expected = torch::zeros({4, 3}, torch::kBool);
    expected[0][0] = true;
    QVERIFY(torch::equal(std::get<0>(zero), expected));
    QVERIFY(torch::equal(std::get<0>(one), expected));
    QCOMPARE(std::get<0>(one).scalar_type(), torch::kBool);
    QVERIFY(std::get<1>(zero)[0] != std::get<1>(zero)[1]); // the ranks chose differently
    QCOMPARE(std::get<1>(zero), std::get<1>(one));
    QCOMPARE(std::get<2>(zero)[0], checksum({expected}));
    QCOMPARE(std::get<2>(zero)[1], checksum({expected}));
}

void TestDataParallel::silentPeerIsAnErrorWithinTheTimeout()
{
    const auto start = std::chrono::steady_clock::now();
    auto [zero, one] = onTwoRanks(
        [](DataParallel& group) {
            if (group.rank() == 1) { // joins, then never takes part: a hung peer
                std::this_thread::sleep_for(std::chrono::seconds(4));
                return QString();
            }
            auto weight = torch::ones({3}).requires_grad_(true);
            weight.sum().backward();
            try {
                group.allReduceGradients({weight}, 1, 2, {});
            } catch (const DistributedError& e) {
                return QString::fromStdString(e.what());
            }
            return QStringLiteral("no error");
        },
        1.0);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    QVERIFY2(zero.contains(QStringLiteral("rank 0 of 2")), qPrintable(zero));
    QVERIFY2(zero.contains(QStringLiteral("gradient all-reduce failed")), qPrintable(zero));
    QVERIFY(one.isEmpty());
    QVERIFY2(seconds < 10.0, qPrintable(QString::number(seconds)));
}

void TestDataParallel::rejectsARankOutsideTheWorld()
{
    DistributedSettings s = rankOf(2, 29500);
    QVERIFY_THROWS_EXCEPTION(InputError, validate(s));
    s.rank = 1;
    s.masterPort = 0;
    QVERIFY_THROWS_EXCEPTION(InputError, validate(s));
    s.masterPort = 29500;
    validate(s);
}

ESPALIER_TEST_MAIN(TestDataParallel)

} // namespace tst_dataparallel

#include "tst_dataparallel.moc"
