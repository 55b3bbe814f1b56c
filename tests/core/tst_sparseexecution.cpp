// Sparse execution: the CSR Linear kernel against torch::linear, the rewritten forward graph against
// the dense model, and the bench's counts.

#include <thread>

#include <QTemporaryDir>
#include <QtTest>

#include "csrlinear.h"
#include "dataset.h"
#include "espalier/core/bench.h"
#include "espalier/core/errors.h"
#include "model.h"
#include "sessiontesting.h"
#include "sparseexecution.h"
#include "testregistry.h"

namespace tst_sparseexecution {

using namespace espalier::core;
using namespace espalier::core::testing;

namespace {

torch::Tensor sparseWeight(std::int64_t rows, std::int64_t columns, double density)
{
    auto w = torch::randn({rows, columns});
    return w * (torch::rand({rows, columns}) < density);
}

} // namespace

class TestSparseExecution : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void csrRoundTripsTheWeight();
    void csrLinearEqualsTorchLinear_data();
    void csrLinearEqualsTorchLinear();
    void csrConvEqualsTorchConv();
    void rewrittenGraphEqualsDenseModel();
    void benchCountsWhatItPrunes();
    void badBenchRequestsAreRefused();
    void sessionMeasuresItsModelWhilePausedAndAfterwards();
};

void TestSparseExecution::csrRoundTripsTheWeight()
{
    torch::manual_seed(1);
    const auto w = sparseWeight(30, 50, 0.1);
    const auto csr = toCsr(w);
    QCOMPARE(csr.values.numel(), w.ne(0).sum().item<std::int64_t>());
    auto back = torch::zeros_like(w);
    const auto start = csr.rowStart.accessor<std::int64_t, 1>();
    for (std::int64_t r = 0; r < w.size(0); ++r)
        for (auto k = start[r]; k < start[r + 1]; ++k)
            back[r][csr.columns[k].item<std::int64_t>()] = csr.values[k];
    QVERIFY(torch::equal(back, w));
    // An empty row and an all-zero weight are legal.
    const auto empty = toCsr(torch::zeros({3, 4}));
    QCOMPARE(empty.values.numel(), std::int64_t(0));
    QVERIFY(torch::equal(empty.rowStart, torch::zeros({4}, torch::kLong)));
}

void TestSparseExecution::csrLinearEqualsTorchLinear_data()
{
    QTest::addColumn<int>("batch");
    QTest::addColumn<double>("density");
    QTest::addColumn<bool>("withBias");
    QTest::addRow("batch 1, 2 %%") << 1 << 0.02 << true;
    QTest::addRow("batch 7, 30 %%, no bias") << 7 << 0.3 << false;
    QTest::addRow("batch 256, 2 %%") << 256 << 0.02 << true;
    QTest::addRow("batch 256, dense") << 256 << 1.0 << true;
}

void TestSparseExecution::csrLinearEqualsTorchLinear()
{
    QFETCH(int, batch);
    QFETCH(double, density);
    QFETCH(bool, withBias);
    torch::manual_seed(2);
    const auto w = sparseWeight(300, 784, density);
    const auto b = withBias ? torch::randn({300}) : torch::Tensor();
    const auto x = torch::randn({batch, 784});
    const auto csr = toCsr(w);
    const c10::optional<torch::Tensor> bias = withBias ? c10::optional<torch::Tensor>(b) : c10::nullopt;
    const auto ours = csrLinear(x, csr.rowStart, csr.columns, csr.values, bias);
    const auto reference = torch::linear(x, w, b);
    QCOMPARE(ours.sizes().vec(), reference.sizes().vec());
    // Float sums in another order: equal to a few ulps of the largest output.
    const double tolerance = 1e-6 * (1.0 + reference.abs().max().item<double>()) * std::sqrt(784.0 * density);
    QVERIFY2((ours - reference).abs().max().item<double>() < tolerance,
             qPrintable(QString::number((ours - reference).abs().max().item<double>())));
    // Inputs of more dimensions keep their leading shape, as torch::linear does.
    const auto x3 = torch::randn({2, 3, 784});
    QVERIFY((csrLinear(x3, csr.rowStart, csr.columns, csr.values, bias) - torch::linear(x3, w, b)).abs().max().item<double>() <
            tolerance);
}

void TestSparseExecution::csrConvEqualsTorchConv()
{
    torch::manual_seed(4);
    auto w = torch::randn({16, 6, 3, 3});
    w *= torch::rand(w.sizes()) < 0.1;
    const auto b = torch::randn({16});
    const auto csr = toCsr(w);
    for (const auto& stride : {std::vector<std::int64_t>{1, 1}, {2, 2}}) {
        const auto x = torch::randn({5, 6, 13, 11});
        const auto ours = csrConv2d(x, csr.rowStart, csr.columns, csr.values, b, {3, 3}, stride, {1, 1}, {1, 1});
        const auto reference = torch::conv2d(x, w, b, stride, {1, 1}, {1, 1});
        QCOMPARE(ours.sizes().vec(), reference.sizes().vec());
        QVERIFY((ours - reference).abs().max().item<double>() < 1e-4);
    }
    // An unbatched input [C, H, W], as conv2d accepts.
    const auto single = torch::randn({6, 8, 8});
    QVERIFY((csrConv2d(single, csr.rowStart, csr.columns, csr.values, c10::nullopt, {3, 3}, {1, 1}, {0, 0}, {1, 1}) -
             torch::conv2d(single.unsqueeze(0), w).squeeze(0))
                .abs()
                .max()
                .item<double>() < 1e-4);
}

void TestSparseExecution::rewrittenGraphEqualsDenseModel()
{
    torch::manual_seed(3);
    for (const std::string name : {"lenet300", "lenet5", "lenet5-bn"}) {
        ModelSpec spec;
        spec.name = name;
        auto model = makeModel(spec, {1, 28, 28}, 10);
        {
            torch::NoGradGuard noGrad;
            for (auto p : model.module.parameters())
                if (p.dim() >= 2) // Linear and Conv weights
                    p.mul_(torch::rand(p.sizes()) < 0.05);
        }
        model.module.eval();
        const auto x = torch::randn({16, 1, 28, 28});
        const auto dense = model.forward(x);
        for (const std::int64_t batch : {1, 16}) {
            SparseExecution sparse(model, batch, 3, /*alwaysSparse=*/true);
            int sparseLayers = 0;
            for (const auto& layer : sparse.layers())
                sparseLayers += layer.sparse ? 1 : 0;
            QCOMPARE(sparseLayers, int(sparse.layers().size())); // convs included
            QVERIFY(sparse.layers().size() >= 3);
            const auto ours = sparse.forward(x);
            QVERIFY2((ours - dense).abs().max().item<double>() < 1e-4, name.c_str());
        }
    }
}

void TestSparseExecution::benchCountsWhatItPrunes()
{
    BenchRequest request;
    request.model.name = "lenet300";
    request.data = {"synthetic", "", 64, 0.0};
    request.sparsities = {0.9};
    request.batches = {1, 8};
    request.repeats = 3;
    request.threads = 1;
    const auto result = runBench(request);
    QCOMPARE(result.rows.size(), std::size_t(1));
    const auto& row = result.rows[0];
    // Global magnitude keeps ⌊0.1 · 266,200⌋ weights; the 410 biases are dense.
    QCOMPARE(row.parameters, std::int64_t(266610));
    QCOMPARE(row.macs, std::int64_t(266200));
    QCOMPARE(row.nonzeroMacs, std::int64_t(26620));
    QVERIFY(std::abs(row.sparsity - 0.9) < 1e-9);
    QCOMPARE(row.denseBytes, 4 * row.parameters);
    // A bitmask per prunable tensor, the kept values, and the biases dense.
    QCOMPARE(row.compressedBytes, std::int64_t(235200 / 8 + 30000 / 8 + 1000 / 8 + 4 * 26620 + 4 * 410));
    QVERIFY(row.maxDifference < 1e-4);
    QCOMPARE(row.latency.size(), std::size_t(2));
    QCOMPARE(row.latency[1].batch, std::int64_t(8));
    QVERIFY(row.latency[0].denseMs > 0 && row.latency[0].sparseMs > 0);
}

void TestSparseExecution::badBenchRequestsAreRefused()
{
    BenchRequest request;
    request.model.name = "lenet300";
    request.data = {"synthetic", "", 64, 0.0};
    request.sparsities = {1.0};
    QVERIFY_THROWS_EXCEPTION(InputError, runBench(request));
    request.sparsities = {0.5};
    request.batches = {0};
    QVERIFY_THROWS_EXCEPTION(InputError, runBench(request));
}

void TestSparseExecution::sessionMeasuresItsModelWhilePausedAndAfterwards()
{
    QTemporaryDir dir;
    auto recipe = syntheticRecipe();
    recipe.rounds = 2;
    recipe.roundEpochs = 1; // iterative: round 1 stops short of the target, round 2 reaches it
    Session session(recipe);
    QVERIFY(inputErrorOf([&] { session.requestDeploymentMeasurement({1, 0}); }).contains(QStringLiteral("batch size 0")));
    QVERIFY(inputErrorOf([&] { session.requestDeploymentMeasurement({}); }).contains(QStringLiteral("batch size")));
    session.pause();
    std::thread worker([&] { session.run(); });
    QVERIFY(pauseAfterNextRound(session, 1));
    const auto before = savedParameters(session, dir.filePath("before.pt"));
    session.requestDeploymentMeasurement({1, 8}, 3);
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.deployment.row.has_value() && !s.deployment.running; }));
    auto s = session.snapshot();
    const auto paused = *s.deployment.row; // a copy: s is reused below
    QCOMPARE(s.deployment.round, 1);
    QCOMPARE(s.deployment.sparsity, s.sparsity);
    QCOMPARE(paused.parameters, std::int64_t(266610));
    // The measured non-zeros are the session's kept weights plus the dense biases.
    QCOMPARE(paused.nonzeroMacs, s.keptWeights);
    QCOMPARE(paused.latency.size(), std::size_t(2));
    QVERIFY(paused.maxDifference < 1e-4);
    // Measured on a copy: the session's parameters are untouched.
    QVERIFY(sameTensors(savedParameters(session, dir.filePath("after.pt")), before));
    session.resume();
    worker.join();

    // After the run, measured at once on the calling thread, for the final model.
    const auto done = session.measureDeployment({4}, 2);
    s = session.snapshot();
    QVERIFY(done.row.has_value());
    QCOMPARE(done.round, 2);
    QCOMPARE(done.row->nonzeroMacs, s.keptWeights);
    QVERIFY(done.row->nonzeroMacs < paused.nonzeroMacs); // round 2 pruned further
    QCOMPARE(done.row->latency.size(), std::size_t(1));
    QCOMPARE(done.row->latency[0].batch, std::int64_t(4));
    QCOMPARE(s.deployment.row->compressedBytes, done.row->compressedBytes);
}

ESPALIER_TEST_MAIN(TestSparseExecution)

} // namespace tst_sparseexecution

#include "tst_sparseexecution.moc"
