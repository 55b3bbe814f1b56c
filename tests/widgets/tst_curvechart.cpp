#include <qcustomplot.h>

#include <QTest>

#include "widgets/curvechart.h"

using espalier::core::EpochRecord;
using espalier::core::RoundRecord;
using espalier::widgets::CurveChart;

namespace {

EpochRecord epoch(const char* phase, int round, double accuracy, double loss)
{
    EpochRecord record;
    record.phase = phase;
    record.round = round;
    record.testAccuracy = accuracy;
    record.trainLoss = loss;
    return record;
}

RoundRecord round(int number)
{
    RoundRecord record;
    record.round = number;
    return record;
}

} // namespace

class TestCurveChart : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void plotsEveryEpochAcrossPhases();
    void markerBeforeFirstEpochOfEachRound();
    void roundsWithoutTrainingShareAMarker();
    void roundRecordedBeforeItsEpochs();
    void currentRoundMarkedBeforeItsRecord();
};

void TestCurveChart::plotsEveryEpochAcrossPhases()
{
    CurveChart chart;
    chart.setHistory({epoch("pretrain", 0, 0.80, 0.6), epoch("pretrain", 0, 0.84, 0.45),
                      epoch("finetune", 1, 0.83, 0.5)},
                     {round(1)});
    QCOMPARE(chart.accuracyGraph()->data()->size(), 3);
    QCOMPARE(chart.lossGraph()->data()->size(), 3);
    QCOMPARE(chart.accuracyGraph()->data()->at(2)->key, 3.0);
    QCOMPARE(chart.accuracyGraph()->data()->at(1)->value, 84.0); // percent
    QCOMPARE(chart.lossGraph()->data()->at(0)->value, 0.6);
    QCOMPARE(chart.lossGraph()->valueAxis(), chart.plot()->yAxis2);
}

void TestCurveChart::markerBeforeFirstEpochOfEachRound()
{
    const auto markers = CurveChart::roundMarkers(
        {epoch("pretrain", 0, 0.8, 1), epoch("pretrain", 0, 0.8, 1), epoch("round", 1, 0.8, 1),
         epoch("round", 2, 0.8, 1), epoch("finetune", 2, 0.8, 1)},
        {round(1), round(2)});
    QCOMPARE(markers.size(), std::size_t(2));
    QCOMPARE(markers[0].x, 2.5);
    QCOMPARE(markers[0].label, QStringLiteral("R1"));
    QCOMPARE(markers[1].x, 3.5);
    QCOMPARE(markers[1].label, QStringLiteral("R2"));
}

void TestCurveChart::roundsWithoutTrainingShareAMarker()
{
    // Rounds 1–3 prune back to back (round_epochs = 0), then fine-tuning belongs to round 3.
    const auto markers = CurveChart::roundMarkers(
        {epoch("pretrain", 0, 0.8, 1), epoch("finetune", 3, 0.8, 1)}, {round(1), round(2), round(3)});
    QCOMPARE(markers.size(), std::size_t(1));
    QCOMPARE(markers[0].x, 1.5);
    QCOMPARE(markers[0].label, QStringLiteral("R1–R3"));

    CurveChart chart;
    chart.setHistory({epoch("pretrain", 0, 0.8, 1), epoch("finetune", 3, 0.8, 1)}, {round(1), round(2), round(3)});
    QCOMPARE(chart.markers().size(), std::size_t(1));
}

void TestCurveChart::roundRecordedBeforeItsEpochs()
{
    const auto markers = CurveChart::roundMarkers({epoch("pretrain", 0, 0.8, 1)}, {round(1)});
    QCOMPARE(markers.size(), std::size_t(1));
    QCOMPARE(markers[0].x, 1.5);
    QVERIFY(CurveChart::roundMarkers({epoch("pretrain", 0, 0.8, 1)}, {}).empty());
}

void TestCurveChart::currentRoundMarkedBeforeItsRecord()
{
    // Round 1 has pruned and is fine-tuning: no RoundRecord and no epoch of it yet.
    const auto markers = CurveChart::roundMarkers({epoch("pretrain", 0, 0.8, 1), epoch("pretrain", 0, 0.8, 1)}, {},
                                                  /*currentRound=*/1);
    QCOMPARE(markers.size(), std::size_t(1));
    QCOMPARE(markers[0].x, 2.5);

    CurveChart chart;
    chart.setHistory({epoch("pretrain", 0, 0.8, 1), epoch("pretrain", 0, 0.8, 1)}, {}, 1);
    QVERIFY(chart.plot()->xAxis->range().upper > 2.5); // the marker is inside the frame
}

QTEST_MAIN(TestCurveChart)
#include "tst_curvechart.moc"
