#include <qcustomplot.h>

#include <QCheckBox>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>

#include "findchild.h"
#include "plotpoints.h"
#include "testregistry.h"
#include "widgets/paretochart.h"

namespace tst_paretochart {

using espalier::core::SweepPoint;
using espalier::core::SweepResults;
using espalier::testing::child;
using espalier::testing::points;
using espalier::widgets::ParetoChart;

namespace {

SweepPoint point(const char* method, double sparsity, double finalMean, double finalSpread, double bestMean,
                 double bestSpread)
{
    SweepPoint p;
    p.method = method;
    p.sparsity = sparsity;
    p.achievedSparsity = sparsity;
    p.runs = 2;
    p.finalMean = finalMean;
    p.finalSpread = finalSpread;
    p.bestMean = bestMean;
    p.bestSpread = bestSpread;
    p.secondsMean = 12.5;
    return p;
}

/// Two methods at 90 and 99 %, two seeds each, and a dense baseline of 89 %.
SweepResults twoMethods()
{
    SweepResults r;
    r.name = "demo";
    r.methods = {"magnitude", "snip"};
    r.points = {point("magnitude", 0.9, 0.85, 0.01, 0.86, 0.005), point("magnitude", 0.99, 0.70, 0.03, 0.72, 0.02),
                point("snip", 0.9, 0.84, 0.02, 0.85, 0.01), point("snip", 0.99, 0.60, 0.05, 0.63, 0.04)};
    r.denseAccuracy = 0.89;
    r.denseSpread = 0.002;
    r.denseRuns = 2;
    return r;
}

QList<double> errors(const QCPErrorBars* bars)
{
    QList<double> out;
    for (const QCPErrorBarsData& e : *bars->data()) // symmetric, a standard deviation, or NaN to fail
        out << (e.errorMinus == e.errorPlus ? e.errorPlus : qQNaN());
    return out;
}

void click(ParetoChart& chart, const char* check)
{
    auto* box = child<QCheckBox>(chart, check);
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(4, box->height() / 2));
}

} // namespace

class TestParetoChart : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void oneCurvePerMethod();
    void errorBarsAreTheSpreads();
    void bestEpochShowsTheBestAccuracy();
    void denseBaselineAtTheDenseAccuracy();
    void compressionAxis_data();
    void compressionAxis();
    void pointsSitAtTheAchievedSparsity();
    void liveResultsReuseCurvesAndDropGoneMethods();
    void userZoomSurvivesNewResultsUntilFit();
    void hoverNamesTheMethodAndSpread();
    void csvHasOneRowPerPointAndTheBaseline();

private:
    std::unique_ptr<ParetoChart> m_chart;
};

void TestParetoChart::init()
{
    m_chart = std::make_unique<ParetoChart>();
    m_chart->resize(700, 420);
    m_chart->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_chart.get()));
}

void TestParetoChart::cleanup() { m_chart.reset(); }

void TestParetoChart::oneCurvePerMethod()
{
    m_chart->setResults(twoMethods());
    QCPGraph* magnitude = m_chart->graph("magnitude");
    QCPGraph* snip = m_chart->graph("snip");
    QVERIFY(magnitude && snip);
    QCOMPARE(m_chart->graph("random"), nullptr);
    QCOMPARE(points(magnitude), (QList<QPointF>{{90.0, 85.0}, {99.0, 70.0}}));
    QCOMPARE(points(snip), (QList<QPointF>{{90.0, 84.0}, {99.0, 60.0}}));
    QVERIFY(magnitude->pen().color() != snip->pen().color());
    QCOMPARE(magnitude->name(), QStringLiteral("magnitude"));
    // The legend has the two curves only: error bars are not entries of their own.
    QCOMPARE(m_chart->plot()->legend->itemCount(), 2);
    QVERIFY(m_chart->plot()->legend->hasItemWithPlottable(magnitude));
    QVERIFY(m_chart->plot()->legend->hasItemWithPlottable(snip));
}

void TestParetoChart::errorBarsAreTheSpreads()
{
    m_chart->setResults(twoMethods());
    QCPErrorBars* bars = m_chart->errorBars("magnitude");
    QVERIFY(bars);
    QCOMPARE(bars->dataPlottable(), m_chart->graph("magnitude"));
    QCOMPARE(bars->errorType(), QCPErrorBars::etValueError);
    const QList<double> magnitude = errors(bars);
    QCOMPARE(magnitude.size(), 2);
    QCOMPARE(magnitude[0], 1.0); // 0.01 in points of percent
    QCOMPARE(magnitude[1], 3.0);
    const QList<double> snip = errors(m_chart->errorBars("snip"));
    QCOMPARE(snip.size(), 2);
    QCOMPARE(snip[0], 2.0);
    QCOMPARE(snip[1], 5.0);
}

void TestParetoChart::bestEpochShowsTheBestAccuracy()
{
    m_chart->setResults(twoMethods());
    QCOMPARE(m_chart->accuracy(), ParetoChart::Accuracy::Final);
    click(*m_chart, "bestEpochCheck");
    QCOMPARE(m_chart->accuracy(), ParetoChart::Accuracy::Best);
    QCOMPARE(points(m_chart->graph("snip")), (QList<QPointF>{{90.0, 85.0}, {99.0, 63.0}}));
    const QList<double> spreads = errors(m_chart->errorBars("snip"));
    QCOMPARE(spreads.size(), 2);
    QCOMPARE(spreads[0], 1.0);
    QCOMPARE(spreads[1], 4.0);
    click(*m_chart, "bestEpochCheck");
    QCOMPARE(points(m_chart->graph("snip")), (QList<QPointF>{{90.0, 84.0}, {99.0, 60.0}}));
}

void TestParetoChart::denseBaselineAtTheDenseAccuracy()
{
    m_chart->setResults(twoMethods());
    QCPItemStraightLine* line = m_chart->denseLine();
    QVERIFY(line->visible());
    QCOMPARE(line->point1->coords().y(), 89.0);
    QCOMPARE(line->point2->coords().y(), 89.0);
    QCOMPARE(line->pen().style(), Qt::DashLine);
    QVERIFY(m_chart->denseLabel()->visible());
    QVERIFY2(m_chart->denseLabel()->text().contains(QLatin1String("dense 89.0 %")),
             qPrintable(m_chart->denseLabel()->text()));
    QCOMPARE(m_chart->denseLabel()->text(), QStringLiteral("dense 89.0 % ± 0.20 % (2 runs)"));
    // The baseline is inside the view, also on the compression axis (it spans the axis rect).
    QVERIFY(m_chart->plot()->yAxis->range().contains(89.0));
    m_chart->setCompressionAxis(true);
    QCOMPARE(line->point1->coords().y(), 89.0);
    QCOMPARE(line->point1->typeX(), QCPItemPosition::ptAxisRectRatio);

    SweepResults noDense = twoMethods();
    noDense.denseRuns = 0;
    m_chart->setResults(noDense);
    QVERIFY(!line->visible());
    QVERIFY(!m_chart->denseLabel()->visible());
}

void TestParetoChart::compressionAxis_data()
{
    QTest::addColumn<double>("sparsity");
    QTest::addColumn<double>("compression");
    QTest::addRow("sparsity 0.9") << 0.9 << 10.0;
    QTest::addRow("sparsity 0.99") << 0.99 << 100.0;
    QTest::addRow("sparsity 0.999") << 0.999 << 1000.0;
}

void TestParetoChart::compressionAxis()
{
    QFETCH(double, sparsity);
    QFETCH(double, compression);
    SweepResults results;
    results.methods = {"magnitude"};
    results.points = {point("magnitude", sparsity, 0.8, 0.01, 0.8, 0.01)};
    m_chart->setResults(results);
    QCOMPARE(m_chart->graph("magnitude")->data()->at(0)->key, sparsity * 100.0);
    QCOMPARE(m_chart->plot()->xAxis->scaleType(), QCPAxis::stLinear);

    click(*m_chart, "compressionAxisCheck");
    QVERIFY(m_chart->compressionAxis());
    QCOMPARE(m_chart->plot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(qAbs(m_chart->graph("magnitude")->data()->at(0)->key - compression) < 1e-9 * compression);
    QVERIFY(m_chart->plot()->xAxis->range().contains(compression));
    QCOMPARE(m_chart->errorBars("magnitude")->data()->at(0).errorPlus, 1.0); // the bars move with the point

    click(*m_chart, "compressionAxisCheck");
    QCOMPARE(m_chart->plot()->xAxis->scaleType(), QCPAxis::stLinear);
    QCOMPARE(m_chart->graph("magnitude")->data()->at(0)->key, sparsity * 100.0);
}

void TestParetoChart::pointsSitAtTheAchievedSparsity()
{
    SweepResults results = twoMethods();
    results.points[1].achievedSparsity = 0.985; // magnitude missed its 99 % target
    m_chart->setResults(results);
    QCOMPARE(points(m_chart->graph("magnitude")), (QList<QPointF>{{90.0, 85.0}, {98.5, 70.0}}));
}

void TestParetoChart::liveResultsReuseCurvesAndDropGoneMethods()
{
    SweepResults partial = twoMethods();
    partial.points.resize(1); // one finished point so far
    partial.denseRuns = 0;
    m_chart->setResults(partial);
    QCPGraph* magnitude = m_chart->graph("magnitude");
    QCOMPARE(points(magnitude).size(), 1);
    QVERIFY(m_chart->graph("snip")); // planned, no points yet
    QCOMPARE(points(m_chart->graph("snip")).size(), 0);

    m_chart->setResults(twoMethods());
    QCOMPARE(m_chart->graph("magnitude"), magnitude); // updated in place, not rebuilt
    QCOMPARE(points(magnitude).size(), 2);
    const int plottables = m_chart->plot()->plottableCount();
    m_chart->setResults(twoMethods());
    QCOMPARE(m_chart->plot()->plottableCount(), plottables);

    SweepResults oneMethod = twoMethods();
    oneMethod.methods = {"magnitude"};
    oneMethod.points.resize(2);
    m_chart->setResults(oneMethod);
    QCOMPARE(m_chart->graph("snip"), nullptr);
    QCOMPARE(m_chart->errorBars("snip"), nullptr);
    QCOMPARE(m_chart->plot()->plottableCount(), plottables - 2);
    QCOMPARE(m_chart->plot()->legend->itemCount(), 1);
}

void TestParetoChart::userZoomSurvivesNewResultsUntilFit()
{
    m_chart->setResults(twoMethods());
    const QCPRange fitted = m_chart->plot()->xAxis->range();
    auto* fit = child<QToolButton>(*m_chart, "fitButton");
    QVERIFY(!fit->isEnabled());

    QCustomPlot* plot = m_chart->plot();
    const QPointF centre = plot->axisRect()->rect().center();
    QWheelEvent wheel(centre, plot->mapToGlobal(centre), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(plot, &wheel);
    const QCPRange zoomed = plot->xAxis->range();
    QVERIFY(zoomed.size() < fitted.size());
    QVERIFY(m_chart->isZoomed());
    QVERIFY(fit->isEnabled());

    SweepResults more = twoMethods();
    more.points.push_back(point("snip", 0.5, 0.88, 0.0, 0.88, 0.0));
    m_chart->setResults(more);
    QCOMPARE(plot->xAxis->range(), zoomed); // a live update leaves the user's view alone
    QCOMPARE(points(m_chart->graph("snip")).size(), 3);

    QTest::mouseClick(fit, Qt::LeftButton);
    QVERIFY(!m_chart->isZoomed());
    QVERIFY(plot->xAxis->range().contains(50.0)); // fitted to the new point
    QVERIFY(!fit->isEnabled());
}

void TestParetoChart::hoverNamesTheMethodAndSpread()
{
    m_chart->setResults(twoMethods());
    m_chart->plot()->replot();
    QCustomPlot* plot = m_chart->plot();
    const QPointF at(plot->xAxis->coordToPixel(99.0), plot->yAxis->coordToPixel(60.0));
    const QString text = m_chart->toolTipAt(at + QPointF(2, 1));
    QVERIFY2(text.startsWith(QLatin1String("snip at 99.00 %")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("final accuracy 60.00 % ± 5.00 % (2 seeds)")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("100× compression")));
    QVERIFY(m_chart->toolTipAt(QPointF(1, 1)).isEmpty());
}

void TestParetoChart::csvHasOneRowPerPointAndTheBaseline()
{
    m_chart->setResults(twoMethods());
    const QStringList lines = m_chart->csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 4 + 1);
    QVERIFY(lines[0].startsWith(QLatin1String("method,target_sparsity,achieved_sparsity,compression,runs")));
    QCOMPARE(lines[2], QStringLiteral("magnitude,0.99,0.99,100,2,0.7,0.03,0.72,0.02,12.5"));
    QCOMPARE(lines[5], QStringLiteral("dense,0,0,1,2,0.89,0.002,,,"));
}

ESPALIER_TEST_MAIN(TestParetoChart)

} // namespace tst_paretochart

#include "tst_paretochart.moc"
