// Mask selection: exact kept counts, ties broken by index, global vs layerwise, locks, floors,
// the clamp policy, masks that only shrink, and NaN scores; the same masks as LibTorch's topk; and
// the saliency histogram of a selection against torch.histc.

#include <QtTest>

#include "espalier/core/errors.h"
#include "maskselection.h"
#include "saliencyhistogram.h"
#include "testregistry.h"

namespace tst_maskselection {

using namespace espalier::core;

namespace {

std::vector<torch::Tensor> ones(const std::vector<std::vector<int64_t>>& shapes)
{
    std::vector<torch::Tensor> out;
    for (const auto& s : shapes)
        out.push_back(torch::ones(s, torch::kBool));
    return out;
}

int64_t kept(const std::vector<torch::Tensor>& masks)
{
    int64_t k = 0;
    for (const auto& m : masks)
        k += m.sum().item<int64_t>();
    return k;
}

const std::vector<std::string> kNames{"a.weight", "b.weight"};

} // namespace

class TestMaskSelection : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keepCountIsExactFloor_data();
    void keepCountIsExactFloor();
    void globalKeepsExactlyKWithTiesByIndex();
    void globalMatchesSortedThreshold();
    void layerwiseKeepsFractionPerLayer();
    void lockedLayerKeepsItsMask();
    void floorReservesWeights();
    void clampKeepsOneWeightPerLayer();
    void masksOnlyShrink();
    void nanScoresNameTheLayer();
    void globalSelectionIsTorchTopk_data();
    void globalSelectionIsTorchTopk();
    void histogramMatchesTorchHistc();
};

void TestMaskSelection::keepCountIsExactFloor_data()
{
    QTest::addColumn<double>("density");
    QTest::addColumn<qlonglong>("n");
    QTest::addColumn<qlonglong>("expected");
    QTest::addRow("98 %% of LeNet-300-100") << 1.0 - 0.98 << 266200LL << 5324LL;
    QTest::addRow("99.6 %% of LeNet-300-100") << 1.0 - 0.996 << 266200LL << 1064LL;
    QTest::addRow("floor, not round") << 0.5 << 7LL << 3LL;
    QTest::addRow("all") << 1.0 << 10LL << 10LL;
    QTest::addRow("none") << 0.0 << 10LL << 0LL;
}

void TestMaskSelection::keepCountIsExactFloor()
{
    QFETCH(double, density);
    QFETCH(qlonglong, n);
    QFETCH(qlonglong, expected);
    QCOMPARE(keepCount(density, n), expected);
}

void TestMaskSelection::globalKeepsExactlyKWithTiesByIndex()
{
    // Every score ties: the lowest flat indices (first layer first) must win.
    std::vector<torch::Tensor> scores{torch::ones({2, 3}), torch::ones({4})};
    auto masks = selectMasks(scores, ones({{2, 3}, {4}}), 0.5, true, {}, kNames);
    QCOMPARE(kept(masks), int64_t(5));
    QVERIFY(masks[0].flatten().slice(0, 0, 5).all().item<bool>());
    QCOMPARE(masks[0][1][2].item<bool>(), false);
    QVERIFY(!masks[1].any().item<bool>());
}

void TestMaskSelection::globalMatchesSortedThreshold()
{
    torch::manual_seed(3);
    std::vector<torch::Tensor> scores{torch::rand({50, 40}), torch::rand({30, 7}) * 0.1};
    auto masks = selectMasks(scores, ones({{50, 40}, {30, 7}}), 0.1, true, {}, kNames);
    const int64_t k = keepCount(0.1, 2000 + 210);
    QCOMPARE(kept(masks), k);
    auto all = torch::cat({scores[0].flatten(), scores[1].flatten()});
    const double threshold = std::get<0>(torch::topk(all, k)).min().item<double>();
    for (size_t l = 0; l < 2; ++l) {
        QVERIFY(scores[l].masked_select(masks[l]).ge(threshold).all().item<bool>());
        QVERIFY(scores[l].masked_select(masks[l].logical_not()).le(threshold).all().item<bool>());
    }
}

void TestMaskSelection::layerwiseKeepsFractionPerLayer()
{
    torch::manual_seed(4);
    std::vector<torch::Tensor> scores{torch::rand({100}), torch::rand({30}) * 0.01};
    auto masks = selectMasks(scores, ones({{100}, {30}}), 0.2, false, {}, kNames);
    QCOMPARE(masks[0].sum().item<int64_t>(), int64_t(20));
    QCOMPARE(masks[1].sum().item<int64_t>(), int64_t(6));
}

void TestMaskSelection::lockedLayerKeepsItsMask()
{
    std::vector<torch::Tensor> scores{torch::rand({100}), torch::rand({100}) + 1.0};
    SelectionConstraints c;
    c.locked = {true, false};
    auto masks = selectMasks(scores, ones({{100}, {100}}), 0.6, true, c, kNames);
    QCOMPARE(masks[0].sum().item<int64_t>(), int64_t(100));
    QCOMPARE(kept(masks), int64_t(120));
}

void TestMaskSelection::floorReservesWeights()
{
    // Layer a scores far below b: without a floor it would lose everything.
    std::vector<torch::Tensor> scores{torch::rand({100}) * 1e-3, torch::rand({100}) + 1.0};
    SelectionConstraints c;
    c.floors = {0.05, 0.0};
    auto masks = selectMasks(scores, ones({{100}, {100}}), 0.25, true, c, kNames);
    QCOMPARE(masks[0].sum().item<int64_t>(), int64_t(5));
    QCOMPARE(kept(masks), int64_t(50));
}

void TestMaskSelection::clampKeepsOneWeightPerLayer()
{
    std::vector<torch::Tensor> scores{torch::rand({100}) * 1e-3, torch::rand({100}) + 1.0};
    auto collapsed = selectMasks(scores, ones({{100}, {100}}), 0.1, true, {}, kNames);
    QCOMPARE(collapsed[0].sum().item<int64_t>(), int64_t(0));
    SelectionConstraints c;
    c.keepOnePerLayer = true;
    auto clamped = selectMasks(scores, ones({{100}, {100}}), 0.1, true, c, kNames);
    QCOMPARE(clamped[0].sum().item<int64_t>(), int64_t(1));
    QCOMPARE(kept(clamped), int64_t(20));
}

void TestMaskSelection::masksOnlyShrink()
{
    auto current = ones({{10}, {10}});
    current[0].slice(0, 0, 5).fill_(false);
    // The pruned half scores highest, yet must stay pruned.
    auto high = torch::cat({torch::full({5}, 10.0), torch::rand({5})});
    auto masks = selectMasks({high, torch::rand({10})}, current, 0.9, true, {}, kNames);
    QVERIFY(!masks[0].slice(0, 0, 5).any().item<bool>());
    QCOMPARE(kept(masks), int64_t(15)); // only 15 candidates remain though 18 were asked for
}

void TestMaskSelection::nanScoresNameTheLayer()
{
    auto bad = torch::rand({10});
    bad[3] = std::numeric_limits<float>::quiet_NaN();
    try {
        selectMasks({torch::rand({10}), bad}, ones({{10}, {10}}), 0.5, true, {}, kNames);
        QFAIL("NaN scores must be rejected");
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains("b.weight"), e.what());
    }
}

void TestMaskSelection::globalSelectionIsTorchTopk_data()
{
    QTest::addColumn<bool>("float64");
    QTest::addRow("float32 scores") << false;
    QTest::addRow("float64 scores") << true;
}

void TestMaskSelection::globalSelectionIsTorchTopk()
{
    // Distinct scores, a third of the entries already pruned: the kept set must be exactly the
    // candidates that torch::topk picks over the concatenated layers.
    QFETCH(bool, float64);
    torch::manual_seed(11);
    const auto type = float64 ? torch::kFloat64 : torch::kFloat32;
    std::vector<torch::Tensor> scores{torch::randn({300, 78}, type), torch::randn({100, 30}, type).abs() * 3};
    std::vector<torch::Tensor> current{torch::rand({300, 78}).gt(0.33), torch::rand({100, 30}).gt(0.33)};
    auto masks = selectMasks(scores, current, 0.05, true, {}, kNames);

    auto flat = torch::cat({scores[0].flatten(), scores[1].flatten()}).to(torch::kFloat64);
    const auto alive = torch::cat({current[0].flatten(), current[1].flatten()});
    flat.masked_fill_(alive.logical_not(), -std::numeric_limits<double>::infinity());
    const int64_t k = keepCount(0.05, flat.numel());
    auto expected = torch::zeros({flat.numel()}, torch::kBool);
    expected.index_fill_(0, std::get<1>(torch::topk(flat, k)), true);
    const auto got = torch::cat({masks[0].flatten(), masks[1].flatten()});
    QCOMPARE(got.sum().item<int64_t>(), k);
    QVERIFY(torch::equal(got, expected));
    QVERIFY(!(got & alive.logical_not()).any().item<bool>());
}

void TestMaskSelection::histogramMatchesTorchHistc()
{
    torch::manual_seed(12);
    auto scores = torch::randn({200, 50}) * torch::rand({200, 50}).pow(4);
    scores.index_put_({torch::indexing::Slice(0, 7)}, 0.0); // 7 rows of zero scores: 350 without a log
    const auto mask = scores.abs().gt(0.05);
    const int bins = 48;
    const auto h = makeSaliencyHistogram(scores, mask, bins);

    const auto magnitude = scores.abs().flatten().to(torch::kFloat64);
    const auto nonZero = magnitude.gt(0);
    const auto logs = magnitude.masked_select(nonZero).log10();
    const double lo = logs.min().item<double>();
    const double hi = logs.max().item<double>();
    QCOMPARE(h.zeroScores, int64_t(350));
    QCOMPARE(int(h.edges.size()), bins + 1);
    QVERIFY(std::abs(h.edges.front() - lo) < 1e-6 && std::abs(h.edges.back() - hi) < 1e-6);
    const auto kept = mask.flatten();
    auto keptHist = torch::histc(magnitude.masked_select(nonZero & kept).log10(), bins, lo, hi).to(torch::kLong);
    auto prunedHist =
        torch::histc(magnitude.masked_select(nonZero & kept.logical_not()).log10(), bins, lo, hi).to(torch::kLong);
    for (int i = 0; i < bins; ++i) {
        QCOMPARE(h.keptCounts[size_t(i)], keptHist[i].item<int64_t>());
        QCOMPARE(h.prunedCounts[size_t(i)], prunedHist[i].item<int64_t>());
    }
    QVERIFY(std::abs(h.threshold - std::log10(0.05)) < 0.01); // the smallest kept score is just above 0.05
}

ESPALIER_TEST_MAIN(TestMaskSelection)

} // namespace tst_maskselection

#include "tst_maskselection.moc"
