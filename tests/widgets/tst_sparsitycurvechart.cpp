#include <qcustomplot.h>

#include <QCheckBox>
#include <QMenu>
#include <QTest>

#include "branchedsession.h"
#include "plotpoints.h"
#include "testregistry.h"
#include "widgets/sparsitycurvechart.h"

namespace tst_sparsitycurvechart {

using espalier::core::RoundRecord;
using espalier::core::Snapshot;
using espalier::testing::points;
using espalier::testing::twoBranchSession;
using espalier::widgets::SparsityCurveChart;
using Series = espalier::widgets::SparsityCurveChart::Series;

namespace {

void clickCheck(SparsityCurveChart& chart, const char* name)
{
    auto* check = chart.findChild<QCheckBox*>(QLatin1String(name));
    QVERIFY(check);
    QTest::mouseClick(check, Qt::LeftButton, {}, QPoint(4, check->height() / 2));
}

} // namespace

class TestSparsityCurveChart : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void onePointPerRoundOfTheCurrentBranch();
    void historyAndOtherBranches();
    void compressionAxis_data();
    void compressionAxis();
    void compressionAxisToggle();
    void validationSeriesWhenMeasured();
    void baselineAppearsAndDisappears();
    void denseLine();
    void hoverNamesTheRound();
    void csvHasBranchColumn();
    void previewsAreSeparateDiamonds();

private:
    std::unique_ptr<SparsityCurveChart> m_chart;
};

void TestSparsityCurveChart::init()
{
    m_chart = std::make_unique<SparsityCurveChart>();
    m_chart->resize(600, 320);
    m_chart->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_chart.get()));
    m_chart->setSnapshot(twoBranchSession());
}

void TestSparsityCurveChart::cleanup() { m_chart.reset(); }

void TestSparsityCurveChart::onePointPerRoundOfTheCurrentBranch()
{
    QCOMPARE(points(m_chart->curve(Series::TestAccuracy)), (QList<QPointF>{{80.0, 91.5}, {90.0, 89.5}}));
    QCOMPARE(m_chart->curve(Series::TestAccuracy, 1), m_chart->curve(Series::TestAccuracy));
    QCOMPARE(m_chart->plot()->xAxis->label(), QStringLiteral("sparsity (%)"));
    QCOMPARE(m_chart->plot()->xAxis->scaleType(), QCPAxis::stLinear);
    QVERIFY(m_chart->findChild<QCustomPlot*>(QStringLiteral("sparsityCurvePlot")));
}

void TestSparsityCurveChart::historyAndOtherBranches()
{
    // Round 1 of branch 0 is branch 1's past; rounds 2 and 3 of branch 0 were abandoned.
    QCOMPARE(points(m_chart->historyCurve(Series::TestAccuracy)), (QList<QPointF>{{50.0, 89.0}, {80.0, 91.5}}));
    QCPCurve* other = m_chart->curve(Series::TestAccuracy, 0);
    QVERIFY(other);
    QCOMPARE(points(other), (QList<QPointF>{{50.0, 89.0}, {75.0, 87.0}, {87.5, 84.0}}));
    const QColor current = m_chart->curve(Series::TestAccuracy)->pen().color();
    QVERIFY(other->pen().color() != current);
    QVERIFY(other->pen().color().lightness() > current.lightness());
    QVERIFY(other->pen().widthF() < m_chart->curve(Series::TestAccuracy)->pen().widthF());
    QVERIFY(m_chart->plot()->legend->hasItemWithPlottable(other)); // "other branches"
}

void TestSparsityCurveChart::compressionAxis_data()
{
    QTest::addColumn<double>("sparsity");
    QTest::addColumn<double>("compression");
    QTest::addRow("dense") << 0.0 << 1.0;
    QTest::addRow("s=0.9") << 0.9 << 10.0;
    QTest::addRow("s=0.99") << 0.99 << 100.0;
    QTest::addRow("s=0.999") << 0.999 << 1000.0;
}

void TestSparsityCurveChart::compressionAxis()
{
    QFETCH(double, sparsity);
    QFETCH(double, compression);
    QCOMPARE(m_chart->axisKey(sparsity), sparsity * 100.0);
    clickCheck(*m_chart, "compressionAxisCheck");
    QVERIFY(m_chart->compressionAxis());
    QCOMPARE(m_chart->axisKey(sparsity), compression);
}

void TestSparsityCurveChart::compressionAxisToggle()
{
    clickCheck(*m_chart, "compressionAxisCheck");
    QCPAxis* x = m_chart->plot()->xAxis;
    QCOMPARE(x->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(points(m_chart->curve(Series::TestAccuracy)), (QList<QPointF>{{5.0, 91.5}, {10.0, 89.5}}));
    QVERIFY(x->range().lower > 0.0 && x->range().lower <= 1.0); // 1× (dense) in view
    QVERIFY(x->range().contains(10.0));
    QVERIFY(x->label().contains(QStringLiteral("compression")));
    clickCheck(*m_chart, "compressionAxisCheck");
    QCOMPARE(x->scaleType(), QCPAxis::stLinear);
    QCOMPARE(points(m_chart->curve(Series::TestAccuracy)), (QList<QPointF>{{80.0, 91.5}, {90.0, 89.5}}));
}

void TestSparsityCurveChart::validationSeriesWhenMeasured()
{
    QVERIFY(!m_chart->curve(Series::ValidationAccuracy)->visible());
    Snapshot s = twoBranchSession();
    s.rounds.back().validationAccuracy = 0.9;
    m_chart->setSnapshot(s);
    QCPCurve* validation = m_chart->curve(Series::ValidationAccuracy);
    QVERIFY(validation->visible());
    QCOMPARE(points(validation), (QList<QPointF>{{90.0, 90.0}}));
    QVERIFY(m_chart->plot()->legend->hasItemWithPlottable(validation));
}

void TestSparsityCurveChart::baselineAppearsAndDisappears()
{
    QCPCurve* baseline = m_chart->baselineCurve();
    QVERIFY(!baseline->visible());
    m_chart->setBaseline(QStringLiteral("magnitude (report)"), {0.5, 0.9, 0.99}, {0.9, 0.85, 0.6});
    QVERIFY(baseline->visible());
    QCOMPARE(points(baseline), (QList<QPointF>{{50.0, 90.0}, {90.0, 85.0}, {99.0, 60.0}}));
    QCOMPARE(baseline->pen().style(), Qt::DashLine);
    QCOMPARE(baseline->name(), QStringLiteral("magnitude (report)"));
    QVERIFY(m_chart->plot()->legend->hasItemWithPlottable(baseline));
    QVERIFY(m_chart->plot()->yAxis->range().contains(60.0));
    clickCheck(*m_chart, "compressionAxisCheck"); // the baseline follows the axis
    QCOMPARE(points(baseline).last().x(), 1.0 / (1.0 - 0.99));
    m_chart->clearBaseline();
    QVERIFY(!baseline->visible());
    QVERIFY(!m_chart->plot()->legend->hasItemWithPlottable(baseline));
}

void TestSparsityCurveChart::denseLine()
{
    QVERIFY(!m_chart->denseLine()->visible());
    m_chart->setDenseAccuracy(0.925);
    QVERIFY(m_chart->denseLine()->visible());
    QCOMPARE(m_chart->denseLine()->point1->value(), 92.5);
    QCOMPARE(m_chart->denseLine()->point2->value(), 92.5);
    QCOMPARE(m_chart->denseLine()->pen().style(), Qt::DotLine);
    QVERIFY(m_chart->denseLabel()->visible());
    QVERIFY(m_chart->denseLabel()->text().startsWith(QStringLiteral("dense")));
    clickCheck(*m_chart, "compressionAxisCheck"); // still horizontal across a log axis
    QVERIFY(m_chart->denseLine()->visible());
    m_chart->setDenseAccuracy(std::nullopt);
    QVERIFY(!m_chart->denseLine()->visible());
    QVERIFY(!m_chart->denseLabel()->visible());
}

void TestSparsityCurveChart::hoverNamesTheRound()
{
    m_chart->plot()->replot();
    QCustomPlot* plot = m_chart->plot();
    const QPointF onRound3(plot->xAxis->coordToPixel(90.0), plot->yAxis->coordToPixel(89.5));
    const QString text = m_chart->toolTipAt(onRound3 + QPointF(2, -2));
    QVERIFY2(text.startsWith(QStringLiteral("Round 3, branch 1")), qPrintable(text));
    QVERIFY(m_chart->toolTipAt(QPointF(plot->xAxis->coordToPixel(20.0), onRound3.y())).isEmpty());
}

void TestSparsityCurveChart::csvHasBranchColumn()
{
    m_chart->setBaseline(QStringLiteral("magnitude"), {0.9}, {0.85});
    m_chart->setDenseAccuracy(0.93);
    const QStringList lines = m_chart->csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 5 + 1 + 1);
    QCOMPARE(lines[0], QStringLiteral("series,branch,round,sparsity,compression,test_accuracy,validation_accuracy"));
    QCOMPARE(lines[1], QStringLiteral("session,0,1,0.5,2,0.89,"));
    QCOMPARE(lines[5], QStringLiteral("session,1,3,0.9,10,0.895,"));
    QCOMPARE(lines[6], QStringLiteral("magnitude,,,0.9,10,0.85,"));
    QCOMPARE(lines[7], QStringLiteral("dense,,,0,1,0.93,"));
    QVERIFY(m_chart->plot()->findChild<QMenu*>(QStringLiteral("chartExportMenu")));
}

void TestSparsityCurveChart::previewsAreSeparateDiamonds()
{
    QCPCurve* previews = m_chart->previewCurve();
    QVERIFY(!previews->visible());
    auto snapshot = twoBranchSession();
    snapshot.previewPoints.push_back({3, "snip", 0.97, 0.62});
    snapshot.previewPoints.push_back({3, "magnitude", 0.99, 0.41});
    m_chart->setSnapshot(snapshot); // only the previews changed: they must still show
    QVERIFY(previews->visible());
    QCOMPARE(points(previews), (QList<QPointF>{{97.0, 62.0}, {99.0, 41.0}}));
    QCOMPARE(previews->lineStyle(), QCPCurve::lsNone); // never joined to each other or to the rounds
    QCOMPARE(previews->scatterStyle().shape(), QCPScatterStyle::ssDiamond);
    QVERIFY(m_chart->plot()->legend->hasItemWithPlottable(previews));
    QCOMPARE(points(m_chart->curve(Series::TestAccuracy)).size(), 2); // the rounds are unchanged
    QVERIFY(m_chart->plot()->yAxis->range().contains(41.0));

    m_chart->plot()->replot();
    QCustomPlot* plot = m_chart->plot();
    const QPointF onPreview(plot->xAxis->coordToPixel(97.0), plot->yAxis->coordToPixel(62.0));
    const QString text = m_chart->toolTipAt(onPreview);
    QVERIFY2(text.contains(QStringLiteral("not committed")) && text.contains(QStringLiteral("snip")), qPrintable(text));
    const QStringList lines = m_chart->csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(lines.contains(QStringLiteral("preview:snip,,3,0.97,33.3333333333,0.62,")));

    clickCheck(*m_chart, "compressionAxisCheck");
    QCOMPARE(points(previews).last().x(), 1.0 / (1.0 - 0.99));
}

ESPALIER_TEST_MAIN(TestSparsityCurveChart)

} // namespace tst_sparsitycurvechart

#include "tst_sparsitycurvechart.moc"
