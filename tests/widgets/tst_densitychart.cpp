#include <qcustomplot.h>

#include <QApplication>
#include <QCheckBox>
#include <QSignalSpy>
#include <QTest>

#include "testregistry.h"
#include "widgets/densitychart.h"

namespace tst_densitychart {

using espalier::core::LayerStats;
using espalier::widgets::DensityChart;

namespace {

LayerStats layer(const std::string& name, std::int64_t numel, std::int64_t kept, double floor = 0.0)
{
    LayerStats stats;
    stats.name = name;
    stats.shape = {numel};
    stats.numel = numel;
    stats.kept = kept;
    stats.floor = floor;
    stats.collapsed = kept == 0;
    return stats;
}

QVector<double> values(const QCPBars* bars)
{
    QVector<double> result;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
        result << it->value;
    return result;
}

QVector<double> keys(const QCPBars* bars)
{
    QVector<double> result;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
        result << it->key;
    return result;
}

} // namespace

class TestDensityChart : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsEmpty();
    void oneBarPerLayerInNetworkOrder();
    void collapsedAndNearFloorLayersAreSeparate();
    void targetLineAtTargetDensity();
    void logScaleShowsTinyDensities();
    void layerListChangeReplacesTicks();
    void extremeTargetsStartOnLogScale();
    void clickOnBarEmitsLayer();
    void followsADarkPalette();
};

void TestDensityChart::followsADarkPalette()
{
    const QPalette light = QApplication::palette();
    QPalette dark = light;
    dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    QApplication::setPalette(dark);
    espalier::widgets::DensityChart chart;
    QApplication::setPalette(light);
    const QImage image = chart.plot()->toPixmap(400, 300).toImage();
    QCOMPARE(image.pixelColor(5, 150), QColor(0x20, 0x20, 0x20)); // dark background, not white
    QCOMPARE(chart.plot()->xAxis->tickLabelColor(), QColor(0xee, 0xee, 0xee));
}

void TestDensityChart::startsEmpty()
{
    DensityChart chart;
    QCOMPARE(chart.layerCount(), 0);
    QVERIFY(chart.densityBars()->data()->isEmpty());
    QVERIFY(chart.findChild<QCustomPlot*>(QStringLiteral("densityPlot")));
}

void TestDensityChart::oneBarPerLayerInNetworkOrder()
{
    DensityChart chart;
    chart.setLayers({layer("fc1.weight", 1000, 100), layer("fc2.weight", 1000, 250), layer("fc3.weight", 100, 50)}, 0.8);
    QCOMPARE(chart.layerCount(), 3);
    QCOMPARE(chart.densityBars()->data()->size(), 3);
    QCOMPARE(keys(chart.densityBars()), (QVector<double>{1, 2, 3}));
    QCOMPARE(values(chart.densityBars()), (QVector<double>{10.0, 25.0, 50.0}));
    QVERIFY(chart.collapsedBars()->data()->isEmpty());
    auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(chart.plot()->xAxis->ticker());
    QVERIFY(ticker);
    QCOMPARE(ticker->ticks().value(1.0), QStringLiteral("fc1.weight"));
    QCOMPARE(ticker->ticks().value(3.0), QStringLiteral("fc3.weight"));
}

void TestDensityChart::collapsedAndNearFloorLayersAreSeparate()
{
    DensityChart chart;
    chart.setLayers({layer("a", 1000, 100), layer("b", 1000, 0), layer("c", 1000, 51, 0.05), layer("d", 10, 4)}, 0.9);
    QCOMPARE(chart.layerCount(), 4);
    QCOMPARE(keys(chart.densityBars()), (QVector<double>{1, 4}));
    QCOMPARE(keys(chart.nearFloorBars()), (QVector<double>{3}));
    QCOMPARE(keys(chart.collapsedBars()), (QVector<double>{2}));
    QVERIFY(chart.densityBars()->brush().color() != chart.collapsedBars()->brush().color());
    QVERIFY(chart.plot()->legend->hasItemWithPlottable(chart.collapsedBars()));

    chart.setLayers({layer("a", 1000, 100), layer("b", 1000, 10), layer("c", 1000, 500, 0.05), layer("d", 10, 4)}, 0.9);
    QCOMPARE(chart.densityBars()->data()->size(), 4);
    QVERIFY(chart.collapsedBars()->data()->isEmpty());
    QVERIFY(!chart.plot()->legend->hasItemWithPlottable(chart.collapsedBars()));
}

void TestDensityChart::targetLineAtTargetDensity()
{
    DensityChart chart;
    chart.setLayers({layer("a", 1000, 20)}, 0.98);
    QCOMPARE(chart.targetDensity(), 1.0 - 0.98);
    QCPItemStraightLine* line = nullptr;
    for (int i = 0; i < chart.plot()->itemCount(); ++i) {
        if (auto* candidate = qobject_cast<QCPItemStraightLine*>(chart.plot()->item(i)))
            line = candidate;
    }
    QVERIFY(line);
    QVERIFY(line->visible());
    QVERIFY(qAbs(line->point1->coords().y() - 2.0) < 1e-9);
    QVERIFY(qAbs(line->point2->coords().y() - 2.0) < 1e-9);
}

void TestDensityChart::logScaleShowsTinyDensities()
{
    DensityChart chart;
    chart.setLayers({layer("a", 100000, 400), layer("b", 1000, 100)}, 0.9); // a moderate target: linear
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLinear);
    chart.findChild<QCheckBox*>(QStringLiteral("logScaleCheck"))->setChecked(true);
    QVERIFY(chart.logScale());
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    // 0.4 % must sit inside the visible range, not on or below the axis.
    QVERIFY(chart.plot()->yAxis->range().lower < 0.4);
    QVERIFY(chart.plot()->yAxis->range().upper >= 100.0);
    chart.setLogScale(false);
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLinear);
    QVERIFY(!chart.findChild<QCheckBox*>(QStringLiteral("logScaleCheck"))->isChecked());
}

void TestDensityChart::extremeTargetsStartOnLogScale()
{
    DensityChart chart;
    chart.show();
    chart.setLayers({layer("a", 1000, 4)}, 0.996);
    QVERIFY(chart.logScale());
    auto* check = chart.findChild<QCheckBox*>(QStringLiteral("logScaleCheck"));
    QVERIFY(check->isChecked());
    QTest::mouseClick(check, Qt::LeftButton, {}, QPoint(4, check->height() / 2)); // the user's choice wins
    QVERIFY(!chart.logScale());
    chart.setLayers({layer("a", 1000, 3)}, 0.996);
    QVERIFY(!chart.logScale());
}

void TestDensityChart::layerListChangeReplacesTicks()
{
    DensityChart chart;
    chart.setLayers({layer("a", 10, 5), layer("b", 10, 5)}, 0.5);
    chart.setLayers({layer("conv1.weight", 10, 5)}, 0.5);
    QCOMPARE(chart.layerCount(), 1);
    auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(chart.plot()->xAxis->ticker());
    QCOMPARE(ticker->ticks().size(), 1);
    QCOMPARE(ticker->ticks().value(1.0), QStringLiteral("conv1.weight"));
}

void TestDensityChart::clickOnBarEmitsLayer()
{
    DensityChart chart;
    chart.resize(600, 400);
    chart.setLayers({layer("fc1.weight", 1000, 500), layer("fc2.weight", 1000, 500)}, 0.5);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.plot()->replot();
    QSignalSpy clicked(&chart, &DensityChart::layerClicked);
    const QPoint onFc2(int(chart.plot()->xAxis->coordToPixel(2.0)), int(chart.plot()->yAxis->coordToPixel(25.0)));
    QTest::mouseClick(chart.plot(), Qt::LeftButton, {}, onFc2);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toString(), QStringLiteral("fc2.weight"));
}

ESPALIER_TEST_MAIN(TestDensityChart)

} // namespace tst_densitychart

#include "tst_densitychart.moc"
