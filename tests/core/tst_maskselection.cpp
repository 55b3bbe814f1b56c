// Mask selection: exact kept counts, ties broken by index, global vs layerwise, locks, floors,
// the clamp policy, masks that only shrink, and NaN scores.

#include <QtTest>

#include "espalier/core/errors.h"
#include "maskselection.h"

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

QTEST_APPLESS_MAIN(TestMaskSelection)
#include "tst_maskselection.moc"
