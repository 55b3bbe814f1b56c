#include <cmath>
#include <limits>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QLabel>
#include <QTest>

#include "testregistry.h"
#include "widgets/saliencyhistogram.h"

namespace tst_saliencyhistogram {

using espalier::core::LayerStats;
using espalier::core::SaliencyHistogram;
using espalier::widgets::SaliencyHistogramChart;

namespace {

// Four bins of one decade each, pruned on the left, kept on the right, one mixed bin.
LayerStats layer(const std::string& name, double threshold = -2.3, std::int64_t zeroScores = 0)
{
    LayerStats stats;
    stats.name = name;
    stats.histogram.edges = {-4.0, -3.0, -2.0, -1.0, 0.0};
    stats.histogram.keptCounts = {0, 0, 5, 20};
    stats.histogram.prunedCounts = {1000, 400, 10, 0};
    stats.histogram.zeroScores = zeroScores;
    stats.histogram.threshold = threshold;
    return stats;
}

QVector<double> keys(const QCPBars* bars)
{
    QVector<double> result;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
        result << it->key;
    return result;
}

QVector<double> values(const QCPBars* bars)
{
    QVector<double> result;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
        result << it->value;
    return result;
}

QCPItemText* textItem(const QCustomPlot* plot, const QString& prefix)
{
    for (int i = 0; i < plot->itemCount(); ++i) {
        auto* text = qobject_cast<QCPItemText*>(plot->item(i));
        if (text && text->text().startsWith(prefix))
            return text;
    }
    return nullptr;
}

} // namespace

class TestSaliencyHistogram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsEmpty();
    void barsHoldTheCounts();
    void keptStackedOnPrunedInDifferentColours();
    void thresholdLineAtThreshold();
    void unknownThresholdHidesLine();
    void previewLineAppearsAndDisappears();
    void previewOutsideHistogramWidensAxis();
    void zeroScoresNote_data();
    void zeroScoresNote();
    void allScoresZero();
    void clearReturnsToEmptyState();
    void logScaleToggledByClick();
    void csvHasOneRowPerBin();
};

void TestSaliencyHistogram::startsEmpty()
{
    SaliencyHistogramChart chart;
    QVERIFY(chart.findChild<QCustomPlot*>(QStringLiteral("histogramPlot")) == chart.plot());
    QVERIFY(chart.keptBars()->data()->isEmpty());
    QVERIFY(chart.prunedBars()->data()->isEmpty());
    QCPItemText* empty = textItem(chart.plot(), QStringLiteral("no scores yet"));
    QVERIFY(empty);
    QVERIFY(empty->visible());
    QCOMPARE(empty->text(), QStringLiteral("no scores yet — the histogram appears after the first scoring pass"));
    QVERIFY(!chart.thresholdLine()->visible());
    QVERIFY(!chart.previewLine()->visible());
    QVERIFY(chart.findChild<QLabel*>(QStringLiteral("zeroScoresNote"))->isHidden());

    chart.setPreviewThreshold(-1.0); // nothing to compare it with yet
    QVERIFY(!chart.previewLine()->visible());
}

void TestSaliencyHistogram::barsHoldTheCounts()
{
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight"));
    QCOMPARE(keys(chart.keptBars()), (QVector<double>{-3.5, -2.5, -1.5, -0.5}));
    QCOMPARE(keys(chart.prunedBars()), (QVector<double>{-3.5, -2.5, -1.5, -0.5}));
    QCOMPARE(values(chart.keptBars()), (QVector<double>{0, 0, 5, 20}));
    QCOMPARE(values(chart.prunedBars()), (QVector<double>{1000, 400, 10, 0}));
    QCOMPARE(chart.keptBars()->width(), 1.0); // adjacent bins touch
    QVERIFY(!textItem(chart.plot(), QStringLiteral("no scores yet"))->visible());
    QVERIFY(chart.findChild<QLabel*>(QStringLiteral("histogramTitle"))->text().contains(QStringLiteral("fc1.weight")));
    QCOMPARE(chart.plot()->xAxis->label(), QStringLiteral("log10 |score|"));
    QCOMPARE(chart.plot()->yAxis->label(), QStringLiteral("weights"));
    // Every bin and the tallest stack are inside the axes.
    QVERIFY(chart.plot()->xAxis->range().lower <= -4.0);
    QVERIFY(chart.plot()->xAxis->range().upper >= 0.0);
    QVERIFY(chart.plot()->yAxis->range().upper > 1000.0);

    chart.setLayer(layer("fc2.weight"));
    QVERIFY(chart.findChild<QLabel*>(QStringLiteral("histogramTitle"))->text().contains(QStringLiteral("fc2.weight")));
}

void TestSaliencyHistogram::keptStackedOnPrunedInDifferentColours()
{
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight"));
    QCOMPARE(chart.keptBars()->barBelow(), chart.prunedBars());
    const QColor kept = chart.keptBars()->brush().color();
    const QColor pruned = chart.prunedBars()->brush().color();
    QVERIFY(kept != pruned);
    QVERIFY(pruned.hsvSaturation() < 30); // grey
    QVERIFY(kept.hsvSaturation() > 100);
    QVERIFY(chart.plot()->legend->hasItemWithPlottable(chart.keptBars()));
    QVERIFY(chart.plot()->legend->hasItemWithPlottable(chart.prunedBars()));
}

void TestSaliencyHistogram::thresholdLineAtThreshold()
{
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight", -2.3));
    QCPItemStraightLine* line = chart.thresholdLine();
    QVERIFY(line->visible());
    QCOMPARE(line->point1->coords().x(), -2.3);
    QCOMPARE(line->point2->coords().x(), -2.3); // vertical
    QVERIFY(line->point1->coords().y() != line->point2->coords().y());
    QCPItemText* label = textItem(chart.plot(), QStringLiteral("threshold"));
    QVERIFY(label);
    QVERIFY(label->visible());

    chart.setLayer(layer("fc1.weight", -1.2));
    QCOMPARE(chart.thresholdLine()->point1->coords().x(), -1.2);
}

void TestSaliencyHistogram::unknownThresholdHidesLine()
{
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight", std::numeric_limits<double>::quiet_NaN()));
    QVERIFY(!chart.thresholdLine()->visible());
    QVERIFY(!textItem(chart.plot(), QStringLiteral("threshold"))->visible());
    QCOMPARE(chart.keptBars()->data()->size(), 4); // the bars still show
}

void TestSaliencyHistogram::previewLineAppearsAndDisappears()
{
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight"));
    QVERIFY(!chart.previewLine()->visible());

    chart.setPreviewThreshold(-1.5);
    QVERIFY(chart.previewLine()->visible());
    QCOMPARE(chart.previewLine()->point1->coords().x(), -1.5);
    QCOMPARE(chart.previewLine()->point2->coords().x(), -1.5);
    QCOMPARE(chart.previewLine()->pen().style(), Qt::DashLine);
    QVERIFY(chart.thresholdLine()->pen().style() != Qt::DashLine);
    QVERIFY(textItem(chart.plot(), QStringLiteral("next round"))->visible());

    chart.setLayer(layer("fc1.weight", -2.2)); // the same layer refreshed: the preview stays
    QVERIFY(chart.previewLine()->visible());

    chart.setPreviewThreshold(std::nullopt);
    QVERIFY(!chart.previewLine()->visible());
    QVERIFY(!textItem(chart.plot(), QStringLiteral("next round"))->visible());

    chart.setPreviewThreshold(std::numeric_limits<double>::quiet_NaN());
    QVERIFY(!chart.previewLine()->visible());

    chart.setPreviewThreshold(-1.5);
    chart.setLayer(layer("fc2.weight")); // another layer: the preview was for fc1
    QVERIFY(!chart.previewLine()->visible());
    QVERIFY(!chart.previewThreshold().has_value());
}

void TestSaliencyHistogram::previewOutsideHistogramWidensAxis()
{
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight"));
    chart.setPreviewThreshold(0.7);
    QVERIFY(chart.plot()->xAxis->range().contains(0.7));
}

void TestSaliencyHistogram::zeroScoresNote_data()
{
    QTest::addColumn<qint64>("zeros");
    QTest::addColumn<bool>("shown");
    QTest::addColumn<QString>("text");
    QTest::addRow("none") << qint64(0) << false << QString();
    QTest::addRow("one") << qint64(1) << true << QStringLiteral("1 score is exactly 0 (not shown)");
    QTest::addRow("several") << qint64(7) << true << QStringLiteral("7 scores are exactly 0 (not shown)");
}

void TestSaliencyHistogram::zeroScoresNote()
{
    QFETCH(qint64, zeros);
    QFETCH(bool, shown);
    QFETCH(QString, text);
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight", -2.3, zeros));
    auto* note = chart.findChild<QLabel*>(QStringLiteral("zeroScoresNote"));
    QVERIFY(note);
    QCOMPARE(!note->isHidden(), shown);
    if (shown)
        QCOMPARE(note->text(), text);
}

void TestSaliencyHistogram::allScoresZero()
{
    // The core leaves edges empty when no score is non-zero; that is not "no scores yet".
    LayerStats stats;
    stats.name = "fc3.weight";
    stats.histogram.zeroScores = 12;
    SaliencyHistogramChart chart;
    chart.setLayer(stats);
    QVERIFY(chart.keptBars()->data()->isEmpty());
    QCPItemText* empty = textItem(chart.plot(), QStringLiteral("all 12 scores are exactly 0"));
    QVERIFY(empty);
    QVERIFY(empty->visible());
    QVERIFY(chart.findChild<QLabel*>(QStringLiteral("zeroScoresNote"))->isHidden()); // said once is enough
}

void TestSaliencyHistogram::clearReturnsToEmptyState()
{
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight", -2.3, 3));
    chart.setPreviewThreshold(-1.0);
    chart.clear();
    QVERIFY(chart.keptBars()->data()->isEmpty());
    QVERIFY(chart.prunedBars()->data()->isEmpty());
    QVERIFY(!chart.thresholdLine()->visible());
    QVERIFY(!chart.previewLine()->visible());
    QVERIFY(textItem(chart.plot(), QStringLiteral("no scores yet"))->visible());
    QVERIFY(chart.findChild<QLabel*>(QStringLiteral("zeroScoresNote"))->isHidden());
    QVERIFY(!chart.findChild<QLabel*>(QStringLiteral("histogramTitle"))->text().contains(QStringLiteral("fc1")));
}

void TestSaliencyHistogram::logScaleToggledByClick()
{
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight"));
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    auto* check = chart.findChild<QCheckBox*>(QStringLiteral("logScaleCheck"));
    QVERIFY(check);
    // Logarithmic by default: 5 kept weights next to 1000 pruned ones would be invisible otherwise.
    QVERIFY(check->isChecked());
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(chart.plot()->yAxis->range().lower < 1.0); // a bin with one weight still has a bar

    QTest::mouseClick(check, Qt::LeftButton, {}, QPoint(4, check->height() / 2));
    QVERIFY(!chart.logScale());
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLinear);
    QCOMPARE(chart.plot()->yAxis->range().lower, 0.0);

    QTest::mouseClick(check, Qt::LeftButton, {}, QPoint(4, check->height() / 2));
    QVERIFY(chart.logScale());
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
}

void TestSaliencyHistogram::csvHasOneRowPerBin()
{
    SaliencyHistogramChart chart;
    chart.setLayer(layer("fc1.weight"));
    const QStringList lines = chart.csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines[0], QStringLiteral("layer,log10_low,log10_high,kept,pruned"));
    QCOMPARE(lines[1], QStringLiteral("fc1.weight,-4,-3,0,1000"));
    QCOMPARE(lines[3], QStringLiteral("fc1.weight,-2,-1,5,10"));
    QCOMPARE(lines[4], QStringLiteral("fc1.weight,-1,0,20,0"));
}

ESPALIER_TEST_MAIN(TestSaliencyHistogram)

} // namespace tst_saliencyhistogram

#include "tst_saliencyhistogram.moc"
