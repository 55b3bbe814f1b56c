#include <qcustomplot.h>

#include <QCheckBox>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

#include "branchedsession.h"
#include "plotpoints.h"
#include "testregistry.h"
#include "widgets/chartannotations.h"
#include "widgets/curvechart.h"

namespace tst_curvechart {

using espalier::core::EpochRecord;
using espalier::core::RoundRecord;
using espalier::core::Snapshot;
using espalier::testing::points;
using espalier::testing::twoBranchSession;
using espalier::widgets::ChartAnnotations;
using espalier::widgets::CurveChart;
using Series = espalier::widgets::CurveChart::Series;

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
    void currentBranchHoldsItsOwnEpochs();
    void historyRunsUpToTheFork();
    void otherBranchesAreMuted();
    void markersFollowTheCurrentHistory();
    void nestedRollbackKeepsBothForks();
    void annotationsAtTheirPositions();
    void hoveringAnAnnotationShowsItsText();
    void smoothingAddsAnAverage();
    void validationOnlyWhenMeasured();
    void unchangedSnapshotDoesNotRedraw();
    void csvHasBranchColumn();
};

namespace {

QList<QPointF> expected(const Snapshot& s, int branch, int fromPosition, double (*value)(const EpochRecord&))
{
    QList<QPointF> out;
    for (const EpochRecord& e : s.epochs) {
        if (e.branch == branch && e.position >= fromPosition)
            out << QPointF(e.position, value(e));
    }
    return out;
}

double accuracyPercent(const EpochRecord& e) { return e.testAccuracy * 100.0; }
double trainLoss(const EpochRecord& e) { return e.trainLoss; }

} // namespace

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

void TestCurveChart::currentBranchHoldsItsOwnEpochs()
{
    const Snapshot s = twoBranchSession();
    CurveChart chart;
    chart.setSnapshot(s);
    QCOMPARE(chart.currentBranch(), 1);
    QCOMPARE(chart.graph(Series::TestAccuracy, 1), chart.accuracyGraph());
    QCOMPARE(points(chart.accuracyGraph()), expected(s, 1, 0, accuracyPercent)); // positions 24–29
    QCOMPARE(points(chart.lossGraph()), expected(s, 1, 0, trainLoss));
    QCOMPARE(chart.accuracyGraph()->data()->constBegin()->key, 24.0);
    QCOMPARE(chart.lossGraph()->valueAxis(), chart.plot()->yAxis2);
    QCOMPARE(chart.plot()->xAxis->label(), QStringLiteral("epoch"));
    QVERIFY(chart.plot()->xAxis->range().contains(29.0));
}

void TestCurveChart::historyRunsUpToTheFork()
{
    // Pretraining and round 1 of branch 0 are branch 1's past: full colour, joined to its first epoch.
    const Snapshot s = twoBranchSession();
    CurveChart chart;
    chart.setSnapshot(s);
    QList<QPointF> history;
    for (const EpochRecord& e : s.epochs) {
        if (e.branch == 0 && e.position <= 23)
            history << QPointF(e.position, e.testAccuracy * 100.0);
    }
    history << points(chart.accuracyGraph()).first();
    QCOMPARE(points(chart.historyGraph(Series::TestAccuracy)), history);
    QCOMPARE(chart.historyGraph(Series::TestAccuracy)->pen().color(), chart.accuracyGraph()->pen().color());
}

void TestCurveChart::otherBranchesAreMuted()
{
    const Snapshot s = twoBranchSession();
    CurveChart chart;
    chart.setSnapshot(s);
    for (const Series series : {Series::TestAccuracy, Series::TrainLoss}) {
        QCPGraph* current = chart.graph(series);
        QCPGraph* other = chart.graph(series, 0);
        QVERIFY(other);
        QVERIFY(other != current);
        QVERIFY(other->pen().color() != current->pen().color());
        QVERIFY(other->pen().color().lightness() > current->pen().color().lightness());
        QVERIFY(other->pen().widthF() < current->pen().widthF());
        QCOMPARE(other->scatterStyle().shape(), current->scatterStyle().shape());
        QVERIFY(other->layer()->index() < current->layer()->index()); // never covers the current line
    }
    // Branch 0 after the fork (24–29), led by the epoch it left the history from (23).
    const QList<QPointF> abandoned = points(chart.graph(Series::TestAccuracy, 0));
    QCOMPARE(abandoned, expected(s, 0, 23, accuracyPercent));
    QVERIFY(!chart.graph(Series::TestAccuracy, 7));
}

void TestCurveChart::markersFollowTheCurrentHistory()
{
    // Branch 1's round 3 pruned before position 28; branch 0's (before 27) is not marked.
    CurveChart chart;
    chart.setSnapshot(twoBranchSession());
    QCOMPARE(chart.markers().size(), std::size_t(3));
    QCOMPARE(chart.markers()[0], (CurveChart::Marker{20.5, QStringLiteral("R1")}));
    QCOMPARE(chart.markers()[1], (CurveChart::Marker{23.5, QStringLiteral("R2")}));
    QCOMPARE(chart.markers()[2], (CurveChart::Marker{27.5, QStringLiteral("R3")}));
}

void TestCurveChart::nestedRollbackKeepsBothForks()
{
    // Branch 2 rolls back to the end of branch 1's round 2 (position 27): its past is branch 0 up
    // to 23 and branch 1 from 24 to 27.
    Snapshot s = twoBranchSession();
    s.annotations.push_back({27, 3, 2, "rolled back to the end of round 2 (branch 2)"});
    espalier::testing::addEpochs(s, "round", 3, 2, 27, 3, 0.92, 0.3);
    s.branch = 2;
    CurveChart chart;
    chart.setSnapshot(s);
    QCOMPARE(points(chart.accuracyGraph()), expected(s, 2, 0, accuracyPercent));
    const QList<QPointF> history = points(chart.historyGraph(Series::TestAccuracy));
    QCOMPARE(history.size(), 23 + 4 + 1);
    QCOMPARE(history[23], QPointF(24, 90.0)); // branch 1's first epoch
    QCOMPARE(points(chart.graph(Series::TestAccuracy, 1)), expected(s, 1, 27, accuracyPercent)); // 27–29
    QCOMPARE(points(chart.graph(Series::TestAccuracy, 0)), expected(s, 0, 23, accuracyPercent));
}

void TestCurveChart::annotationsAtTheirPositions()
{
    CurveChart chart;
    chart.resize(700, 480);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setSnapshot(twoBranchSession());
    chart.plot()->replot();
    const ChartAnnotations* annotations = chart.annotations();
    QCOMPARE(annotations->entries().size(), std::size_t(2));
    // The steering on branch 0 after the fork belongs to the abandoned branch; the rollback does not.
    QCOMPARE(annotations->line(0)->point1->key(), 25.0);
    QCOMPARE(annotations->line(0)->point2->key(), 25.0);
    QVERIFY(annotations->entries()[0].muted);
    QCOMPARE(annotations->label(0)->text(), QStringLiteral("from round 3: target 87.5 %"));
    QCOMPARE(annotations->line(1)->point1->key(), 23.0);
    QVERIFY(!annotations->entries()[1].muted);
    QCOMPARE(annotations->line(1)->pen().style(), Qt::DashLine);
    QVERIFY(annotations->line(0)->pen().color().lightness() > annotations->line(1)->pen().color().lightness());
    // Long texts are elided on the plot and whole in the tooltip.
    const QString full = QStringLiteral("rolled back to the end of round 1 (branch 1)");
    const QString label = annotations->label(1)->text();
    QVERIFY(label.endsWith(QChar(0x2026)));
    QVERIFY(label.size() <= ChartAnnotations::kElideChars);
    QVERIFY(full.startsWith(label.chopped(1)));
    const QPointF onLine(chart.plot()->xAxis->coordToPixel(23.0), chart.plot()->axisRect()->center().y());
    QCOMPARE(annotations->toolTipAt(onLine), full);
    // A small plot shortens the labels further, to 60 % of its height.
    chart.resize(420, 240);
    QTest::qWait(20);
    chart.plot()->replot();
    const QString shorter = annotations->label(1)->text();
    QVERIFY2(shorter.size() < label.size(), qPrintable(shorter));
    QVERIFY(full.startsWith(shorter.chopped(1)));
}

void TestCurveChart::hoveringAnAnnotationShowsItsText()
{
    CurveChart chart;
    chart.resize(700, 320);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setSnapshot(twoBranchSession());
    chart.plot()->replot();
    const QPoint onLine(int(chart.plot()->xAxis->coordToPixel(23.0)), chart.plot()->axisRect()->center().y());
    QCOMPARE(chart.annotations()->toolTipAt(onLine), QStringLiteral("rolled back to the end of round 1 (branch 1)"));
    QVERIFY(chart.annotations()->toolTipAt(onLine + QPoint(-60, 0)).isEmpty());
    QTest::mouseMove(chart.plot(), onLine);
    QTRY_COMPARE(QToolTip::text(), QStringLiteral("rolled back to the end of round 1 (branch 1)"));
}

void TestCurveChart::smoothingAddsAnAverage()
{
    const Snapshot s = twoBranchSession();
    CurveChart chart;
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setSnapshot(s);
    const int graphs = chart.plot()->graphCount();
    QVERIFY(!chart.graph(Series::SmoothedLoss)->visible());
    auto* check = chart.findChild<QCheckBox*>(QStringLiteral("smoothLossCheck"));
    QVERIFY(check);
    QVERIFY(!check->toolTip().isEmpty());
    QTest::mouseClick(check, Qt::LeftButton, {}, QPoint(4, check->height() / 2));
    QVERIFY(chart.smoothing());
    QCPGraph* smoothed = chart.graph(Series::SmoothedLoss);
    QVERIFY(smoothed->visible());
    QVERIFY(chart.plot()->graphCount() > graphs); // the abandoned branch got its average too
    QCOMPARE(points(chart.lossGraph()), expected(s, 1, 0, trainLoss)); // raw values stay
    QVERIFY(chart.lossGraph()->visible());
    QCOMPARE(smoothed->data()->size(), chart.lossGraph()->data()->size());
    // The average continues from the history: position 24 folds epoch 24 into the average at 23.
    const QList<QPointF> history = points(chart.historyGraph(Series::SmoothedLoss));
    QCOMPARE(history.first().y(), s.epochs.front().trainLoss);
    const double at23 = history[22].y();
    QCOMPARE(smoothed->data()->constBegin()->value,
             CurveChart::kSmoothing * at23 + (1.0 - CurveChart::kSmoothing) * expected(s, 1, 0, trainLoss)[0].y());
    QTest::mouseClick(check, Qt::LeftButton, {}, QPoint(4, check->height() / 2));
    QVERIFY(!chart.graph(Series::SmoothedLoss)->visible());
    QVERIFY(chart.lossGraph()->visible());
}

void TestCurveChart::validationOnlyWhenMeasured()
{
    Snapshot s = twoBranchSession();
    CurveChart chart;
    chart.setSnapshot(s);
    QVERIFY(!chart.graph(Series::ValidationAccuracy)->visible());
    const auto inLegend = [&chart](QCPGraph* graph) { return chart.plot()->legend->hasItemWithPlottable(graph); };
    QVERIFY(!inLegend(chart.graph(Series::ValidationAccuracy)));
    s.epochs.back().validationAccuracy = 0.88;
    chart.setSnapshot(s);
    QCPGraph* validation = chart.graph(Series::ValidationAccuracy);
    QVERIFY(validation->visible());
    QVERIFY(inLegend(validation));
    QCOMPARE(points(validation), (QList<QPointF>{QPointF(29, 88.0)})); // unmeasured epochs are skipped
    QVERIFY(inLegend(chart.accuracyGraph()));
    QVERIFY(inLegend(chart.graph(Series::TestAccuracy, 0))); // "other branches"
}

void TestCurveChart::unchangedSnapshotDoesNotRedraw()
{
    Snapshot s = twoBranchSession();
    CurveChart chart;
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setSnapshot(s);
    QSignalSpy replots(chart.plot(), &QCustomPlot::afterReplot);
    QTRY_VERIFY(replots.count() > 0);
    replots.clear();
    s.batch = 17; // a batch finished: nothing the chart shows changed
    s.runningLoss = 0.3;
    chart.setSnapshot(s);
    QTest::qWait(50);
    QCOMPARE(replots.count(), 0);
    s.branch = 0; // switching the current branch does
    chart.setSnapshot(s);
    QTRY_VERIFY(replots.count() > 0);
    QCOMPARE(points(chart.accuracyGraph()), expected(s, 0, 0, accuracyPercent));
}

void TestCurveChart::csvHasBranchColumn()
{
    const Snapshot s = twoBranchSession();
    CurveChart chart;
    chart.setSnapshot(s);
    const QStringList lines = chart.csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), int(s.epochs.size()) + 1);
    const QStringList header = lines[0].split(QLatin1Char(','));
    const int x = int(header.indexOf(QStringLiteral("x")));
    const int branch = int(header.indexOf(QStringLiteral("branch")));
    QVERIFY(branch > 0);
    const QStringList last = lines.last().split(QLatin1Char(','));
    QCOMPARE(last.size(), header.size());
    QCOMPARE(last[x], QStringLiteral("29"));
    QCOMPARE(last[branch], QStringLiteral("1"));
    QCOMPARE(lines[29].split(QLatin1Char(','))[branch], QStringLiteral("0")); // branch 0's position 29
    QVERIFY(chart.plot()->findChild<QMenu*>(QStringLiteral("chartExportMenu")));
}

ESPALIER_TEST_MAIN(TestCurveChart)

} // namespace tst_curvechart

#include "tst_curvechart.moc"
