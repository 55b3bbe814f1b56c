#include <cmath>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

#include "testregistry.h"
#include "widgets/maskinspector.h"
#include "widgets/maskraster.h"

namespace tst_maskinspector {

using espalier::core::LayerTensors;
using espalier::widgets::MaskInspector;
using View = MaskInspector::View;
namespace widgets = espalier::widgets;

namespace {

// Element i: weight ±(i + 1)/10, kept unless i % 3 == 0, score (i + 1)·10⁻³; the previous mask
// kept everything but element 5, so element 0 was pruned this round and element 5 regrew.
LayerTensors makeLayer(const std::string& name, std::vector<std::int64_t> shape, bool scores = true,
                       bool previous = true)
{
    LayerTensors layer;
    layer.name = name;
    layer.shape = std::move(shape);
    std::int64_t numel = 1;
    for (const std::int64_t dim : layer.shape)
        numel *= dim;
    for (std::int64_t i = 0; i < numel; ++i) {
        const bool kept = i % 3 != 0;
        layer.mask.push_back(kept ? 1 : 0);
        layer.weights.push_back(kept ? float(i + 1) / 10.0F * (i % 2 ? -1.0F : 1.0F) : 0.0F);
        if (scores)
            layer.scores.push_back(float(i + 1) * 1e-3F);
        if (previous)
            layer.previousMask.push_back(i == 5 ? 0 : 1);
    }
    layer.round = 1;
    return layer;
}

double cell(const MaskInspector& inspector, int column, int row)
{
    return inspector.colorMap()->data()->cell(column, row);
}

QColor colorOf(const MaskInspector& inspector, double value)
{
    QCPColorGradient gradient = inspector.colorMap()->gradient();
    return QColor::fromRgba(gradient.color(value, inspector.colorMap()->dataRange()));
}

QComboBox* viewCombo(MaskInspector& inspector)
{
    return inspector.findChild<QComboBox*>(QStringLiteral("viewCombo"));
}

bool itemEnabled(MaskInspector& inspector, View view)
{
    auto* model = qobject_cast<QStandardItemModel*>(viewCombo(inspector)->model());
    return model->item(int(view))->isEnabled();
}

} // namespace

class TestMaskInspector : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsEmpty();
    void linearMaskCells();
    void weightsViewDrawsPrunedApart();
    void scoresAreLog10();
    void convTilesWithGaps();
    void removedChannelsAreCountedAsRowsAndColumns();
    void changesView();
    void cellAtMapsBack_data();
    void cellAtMapsBack();
    void comboSwitchesViews();
    void viewsWithoutDataAreDisabled();
    void hoverEmitsCellText();
    void fitRestoresWholeTensorWithSquareCells();
    void newRoundKeepsZoom();
    void hugeLayersAreMaxPooled();
    void clearShowsEmptyState();
    void vgg512ConvIsFast();
};

void TestMaskInspector::startsEmpty()
{
    MaskInspector inspector;
    QVERIFY(!inspector.hasLayer());
    QVERIFY(inspector.colorMap()->data()->isEmpty());
    QVERIFY(!viewCombo(inspector)->isEnabled());
    QVERIFY(!inspector.findChild<QPushButton*>(QStringLiteral("fitButton"))->isEnabled());
    QVERIFY(inspector.findChild<QCustomPlot*>(QStringLiteral("maskPlot")));
    QVERIFY(!inspector.cellAt(0, 0));
}

void TestMaskInspector::linearMaskCells()
{
    MaskInspector inspector;
    inspector.setLayer(makeLayer("fc1.weight", {3, 4}));
    QCOMPARE(inspector.view(), View::Mask);
    QCOMPARE(inspector.colorMap()->data()->keySize(), 4);   // columns = inputs
    QCOMPARE(inspector.colorMap()->data()->valueSize(), 3); // rows = output units
    for (int i = 0; i < 12; ++i)
        QCOMPARE(cell(inspector, i % 4, i / 4), i % 3 != 0 ? 1.0 : 0.0);
    QCOMPARE(colorOf(inspector, 1.0), widgets::maskKeptColor());
    QCOMPARE(colorOf(inspector, 0.0), widgets::maskPrunedColor());
    QCOMPARE(inspector.findChild<QLabel*>(QStringLiteral("titleLabel"))->text(),
             QStringLiteral("fc1.weight — 3 × 4, kept 8 (66.67 %), round 1"));
    QVERIFY(inspector.findChild<QLabel*>(QStringLiteral("legendLabel"))->text().contains(QStringLiteral("kept 8")));
    QVERIFY(inspector.plot()->yAxis->rangeReversed()); // row 0 on top
}

void TestMaskInspector::weightsViewDrawsPrunedApart()
{
    MaskInspector inspector;
    const LayerTensors layer = makeLayer("fc1.weight", {3, 4});
    inspector.setLayer(layer);
    inspector.setView(View::Weights);
    QCOMPARE(inspector.view(), View::Weights);
    for (int i = 0; i < 12; ++i) {
        const double value = cell(inspector, i % 4, i / 4);
        if (layer.mask[std::size_t(i)]) {
            QCOMPARE(value, double(layer.weights[std::size_t(i)]));
            QVERIFY(colorOf(inspector, value) != widgets::weightPrunedColor());
        } else {
            QCOMPARE(colorOf(inspector, value), widgets::weightPrunedColor());
        }
    }
    // Centred at zero: −w and +w sit symmetric on the colour scale.
    QCOMPARE(inspector.colorScale()->dataRange().lower, -inspector.colorScale()->dataRange().upper);
    QVERIFY(inspector.colorScale()->visible());
}

void TestMaskInspector::scoresAreLog10()
{
    MaskInspector inspector;
    inspector.setLayer(makeLayer("fc1.weight", {3, 4}));
    inspector.setView(View::Scores);
    QCOMPARE(inspector.view(), View::Scores);
    for (int i = 0; i < 12; ++i)
        QVERIFY(qAbs(cell(inspector, i % 4, i / 4) - std::log10(double(float(i + 1) * 1e-3F))) < 1e-9);
}

void TestMaskInspector::convTilesWithGaps()
{
    MaskInspector inspector;
    inspector.setLayer(makeLayer("conv1.weight", {2, 3, 2, 2}));
    // 3 in-channel tiles of width 2 with 2 gaps; 2 out-channel tiles of height 2 with 1 gap.
    QCOMPARE(inspector.colorMap()->data()->keySize(), 8);
    QCOMPARE(inspector.colorMap()->data()->valueSize(), 5);
    for (int column = 0; column < 8; ++column)
        QVERIFY(std::isnan(cell(inspector, column, 2)));
    for (int row = 0; row < 5; ++row) {
        QVERIFY(std::isnan(cell(inspector, 2, row)));
        QVERIFY(std::isnan(cell(inspector, 5, row)));
    }
    QCOMPARE(QColor::fromRgba(inspector.colorMap()->gradient().nanColor().rgba()), widgets::maskGapColor());
    // [1, 2, 0, 1] is flat 21 (pruned) at row 1·3 + 0, column 2·3 + 1; [0, 1, 1, 0] is flat 6.
    QCOMPARE(cell(inspector, 7, 3), 0.0);
    QCOMPARE(cell(inspector, 3, 1), 0.0);
    QCOMPARE(cell(inspector, 4, 1), 1.0); // flat 7
    QCOMPARE(cell(inspector, 0, 0), 0.0); // flat 0
    QCOMPARE(cell(inspector, 1, 0), 1.0); // flat 1
    inspector.setView(View::Weights);
    QCOMPARE(cell(inspector, 4, 1), double(-0.8F)); // flat 7: −8/10
    QVERIFY(std::isnan(cell(inspector, 5, 1)));
}

void TestMaskInspector::removedChannelsAreCountedAsRowsAndColumns()
{
    // A 4 × 3 × 2 × 2 conv whose output channel 1 and input channel 2 a channel cut removed.
    LayerTensors layer = makeLayer("conv2.weight", {4, 3, 2, 2});
    for (std::size_t i = 0; i < layer.mask.size(); ++i) {
        const auto out = i / 12;
        const auto in = (i / 4) % 3;
        layer.mask[i] = out == 1 || in == 2 ? 0 : 1;
    }
    const auto empty = widgets::emptyChannels(layer);
    QCOMPARE(empty.outputs, std::int64_t(1));
    QCOMPARE(empty.outputChannels, std::int64_t(4));
    QCOMPARE(empty.inputs, std::int64_t(1));
    QCOMPARE(empty.inputChannels, std::int64_t(3));
    MaskInspector inspector;
    inspector.setLayer(layer);
    const auto legend = inspector.findChild<QLabel*>(QStringLiteral("legendLabel"));
    QVERIFY(legend);
    QVERIFY2(legend->text().contains("1 of 4 output rows, 1 of 3 input columns"), qPrintable(legend->text()));
    // The row of output channel 1 is empty in the raster: rows 3–4 (tiles of 2 plus a gap).
    for (int column : {0, 1, 3, 4})
        QCOMPARE(cell(inspector, column, 3), 0.0);

    // An unstructured mask with no empty row or column says nothing about channels.
    MaskInspector plain;
    plain.setLayer(makeLayer("fc1.weight", {3, 4}));
    QVERIFY(!plain.findChild<QLabel*>(QStringLiteral("legendLabel"))->text().contains("removed channels"));
}

void TestMaskInspector::changesView()
{
    MaskInspector inspector;
    inspector.setLayer(makeLayer("fc1.weight", {3, 4}));
    inspector.setView(View::Changes);
    QCOMPARE(inspector.view(), View::Changes);
    QCOMPARE(cell(inspector, 0, 0), double(widgets::kNewlyPruned)); // kept before, pruned now
    QCOMPARE(cell(inspector, 1, 1), double(widgets::kRegrown));      // element 5
    QCOMPARE(cell(inspector, 1, 0), double(widgets::kStillKept));
    QCOMPARE(cell(inspector, 3, 0), double(widgets::kNewlyPruned)); // element 3
    QCOMPARE(colorOf(inspector, widgets::kNewlyPruned), widgets::changeColor(widgets::kNewlyPruned));
    QCOMPARE(colorOf(inspector, widgets::kRegrown), widgets::changeColor(widgets::kRegrown));
    // Elements 0, 3, 6, 9 were kept and are pruned now; element 5 regrew.
    QVERIFY(inspector.findChild<QLabel*>(QStringLiteral("legendLabel"))->text().contains(QStringLiteral("4 pruned this round")));
    QVERIFY(inspector.findChild<QLabel*>(QStringLiteral("legendLabel"))->text().contains(QStringLiteral("1 regrown")));

    LayerTensors layer = makeLayer("fc1.weight", {3, 4});
    layer.previousMask = layer.mask; // nothing changed: everything kept grey / pruned near-white
    inspector.setLayer(layer);
    QCOMPARE(cell(inspector, 0, 0), double(widgets::kStillPruned));
    QCOMPARE(cell(inspector, 1, 0), double(widgets::kStillKept));
}

void TestMaskInspector::cellAtMapsBack_data()
{
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<double>("key");
    QTest::addColumn<double>("value");
    QTest::addColumn<qint64>("flat");
    QTest::addColumn<QString>("text");
    // flat 7 of a 3×4: row 1, column 3; its weight is −0.8, kept.
    QTest::addRow("linear") << QVector<qint64>{3, 4} << 3.0 << 1.0 << qint64(7)
                            << QStringLiteral("[1, 3]  weight -0.8  score 0.008  kept");
    QTest::addRow("linear, off-centre") << QVector<qint64>{3, 4} << 2.6 << 1.4 << qint64(7) << QString();
    // [1, 2, 0, 1] of a 2×3×2×2 (flat 21, pruned) at row 3, column 7.
    QTest::addRow("conv") << QVector<qint64>{2, 3, 2, 2} << 7.0 << 3.0 << qint64(21)
                          << QStringLiteral("[1, 2, 0, 1]  weight 0  score 0.022  pruned this round");
    QTest::addRow("conv, element 5 regrew") << QVector<qint64>{2, 3, 2, 2} << 4.0 << 0.0 << qint64(5)
                                            << QStringLiteral("[0, 1, 0, 1]  weight -0.6  score 0.006  regrown this round");
    QTest::addRow("conv gap column") << QVector<qint64>{2, 3, 2, 2} << 2.0 << 0.0 << qint64(-1) << QString();
    QTest::addRow("conv gap row") << QVector<qint64>{2, 3, 2, 2} << 0.0 << 2.0 << qint64(-1) << QString();
    QTest::addRow("outside") << QVector<qint64>{3, 4} << 4.0 << 0.0 << qint64(-1) << QString();
    QTest::addRow("above") << QVector<qint64>{3, 4} << 0.0 << -0.6 << qint64(-1) << QString();
    QTest::addRow("vector") << QVector<qint64>{5} << 2.0 << 0.0 << qint64(2) << QStringLiteral("[2]  weight 0.3  score 0.003  kept");
    QTest::addRow("rank 3 flattened") << QVector<qint64>{2, 3, 4} << 5.0 << 1.0 << qint64(17) << QString();
}

void TestMaskInspector::cellAtMapsBack()
{
    QFETCH(QVector<qint64>, shape);
    QFETCH(double, key);
    QFETCH(double, value);
    QFETCH(qint64, flat);
    QFETCH(QString, text);
    MaskInspector inspector;
    const LayerTensors layer = makeLayer("t", std::vector<std::int64_t>(shape.begin(), shape.end()));
    inspector.setLayer(layer);
    const auto info = inspector.cellAt(key, value);
    if (flat < 0) {
        QVERIFY(!info);
        return;
    }
    QVERIFY(info);
    QCOMPARE(info->flatIndex, flat);
    QCOMPARE(info->weight.value(), layer.weights[std::size_t(flat)]);
    QCOMPARE(info->kept, layer.mask[std::size_t(flat)] != 0);
    QCOMPARE(info->score.value(), layer.scores[std::size_t(flat)]);
    // The index in the tensor's own shape ravels back to the flat index.
    qint64 ravelled = 0;
    QCOMPARE(qsizetype(info->index.size()), shape.size());
    for (qsizetype d = 0; d < shape.size(); ++d)
        ravelled = ravelled * shape[d] + info->index[std::size_t(d)];
    QCOMPARE(ravelled, flat);
    if (!text.isEmpty())
        QCOMPARE(MaskInspector::describe(*info), text);
}

void TestMaskInspector::comboSwitchesViews()
{
    MaskInspector inspector;
    inspector.setLayer(makeLayer("fc1.weight", {3, 4}));
    inspector.show();
    QComboBox* combo = viewCombo(inspector);
    QCOMPARE(cell(inspector, 1, 1), 1.0); // element 5, kept, in the Mask view
    QVERIFY(!inspector.colorScale()->visible());
    QTest::keyClick(combo, Qt::Key_Down);
    QCOMPARE(inspector.view(), View::Weights);
    QCOMPARE(cell(inspector, 1, 1), double(-0.6F));
    QVERIFY(inspector.colorScale()->visible());
    QTest::keyClick(combo, Qt::Key_Down);
    QCOMPARE(inspector.view(), View::Scores);
    QTest::keyClick(combo, Qt::Key_Down);
    QCOMPARE(inspector.view(), View::Changes);
    QCOMPARE(cell(inspector, 1, 1), double(widgets::kRegrown));
    QVERIFY(!inspector.colorScale()->visible());
    QTest::keyClick(combo, Qt::Key_Home);
    QCOMPARE(inspector.view(), View::Mask);
    QCOMPARE(cell(inspector, 1, 1), 1.0);
}

void TestMaskInspector::viewsWithoutDataAreDisabled()
{
    MaskInspector inspector;
    inspector.setLayer(makeLayer("fc1.weight", {3, 4}, /*scores=*/false, /*previous=*/false));
    inspector.show();
    QVERIFY(itemEnabled(inspector, View::Mask));
    QVERIFY(itemEnabled(inspector, View::Weights));
    QVERIFY(!itemEnabled(inspector, View::Scores));
    QVERIFY(!itemEnabled(inspector, View::Changes));
    QVERIFY(!inspector.isViewAvailable(View::Scores));
    QComboBox* combo = viewCombo(inspector);
    QTest::keyClick(combo, Qt::Key_End); // the last enabled item
    QCOMPARE(inspector.view(), View::Weights);
    inspector.setView(View::Changes);
    QCOMPARE(inspector.view(), View::Mask);
    QCOMPARE(combo->currentIndex(), int(View::Mask));
    // The wish is kept: the next round has a previous mask.
    inspector.setLayer(makeLayer("fc1.weight", {3, 4}, /*scores=*/false, /*previous=*/true));
    QVERIFY(itemEnabled(inspector, View::Changes));
    QCOMPARE(inspector.view(), View::Changes);
    QCOMPARE(combo->currentIndex(), int(View::Changes));
}

void TestMaskInspector::hoverEmitsCellText()
{
    MaskInspector inspector;
    inspector.resize(500, 400);
    inspector.setLayer(makeLayer("conv1.weight", {2, 3, 2, 2}));
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    inspector.plot()->replot();
    QSignalSpy hovered(&inspector, &MaskInspector::hovered);
    QCustomPlot* plot = inspector.plot();
    const QPoint onElement21(int(plot->xAxis->coordToPixel(7.0)), int(plot->yAxis->coordToPixel(3.0)));
    QTest::mouseMove(plot, onElement21);
    QTRY_COMPARE(hovered.count(), 1);
    QVERIFY(hovered.at(0).at(0).toString().startsWith(QStringLiteral("[1, 2, 0, 1]")));
    QCOMPARE(inspector.findChild<QLabel*>(QStringLiteral("hoverLabel"))->text(), hovered.at(0).at(0).toString());
    const QPoint onGap(int(plot->xAxis->coordToPixel(5.0)), int(plot->yAxis->coordToPixel(3.0)));
    QTest::mouseMove(plot, onGap);
    QTRY_COMPARE(hovered.count(), 2);
    QVERIFY(hovered.at(1).at(0).toString().isEmpty());
}

void TestMaskInspector::fitRestoresWholeTensorWithSquareCells()
{
    MaskInspector inspector;
    inspector.resize(600, 400);
    inspector.setLayer(makeLayer("fc1.weight", {10, 40}));
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QCustomPlot* plot = inspector.plot();
    plot->replot();
    plot->replot(); // the second layout sees the final axis rect
    const auto square = [plot] {
        const double x = plot->xAxis->range().size() / plot->axisRect()->width();
        const double y = plot->yAxis->range().size() / plot->axisRect()->height();
        return qAbs(x / y - 1.0) < 0.02;
    };
    const auto whole = [plot] {
        return plot->xAxis->range().lower <= -0.5 && plot->xAxis->range().upper >= 39.5 &&
               plot->yAxis->range().lower <= -0.5 && plot->yAxis->range().upper >= 9.5;
    };
    QVERIFY(whole());
    QVERIFY(square());
    // Zoom in with the wheel around the centre, as a user would.
    const QPoint centre = plot->axisRect()->rect().center();
    QWheelEvent wheel(centre, plot->mapToGlobal(centre), QPoint(), QPoint(0, 360), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(plot, &wheel);
    QVERIFY(!whole());
    QVERIFY(square());
    QTest::mouseClick(inspector.findChild<QPushButton*>(QStringLiteral("fitButton")), Qt::LeftButton);
    QVERIFY(whole());
    QVERIFY(square());
    // Without square cells the tensor fills the plot exactly.
    inspector.findChild<QCheckBox*>(QStringLiteral("squareCellsCheck"))->click();
    QCOMPARE(plot->xAxis->range().lower, -0.5);
    QCOMPARE(plot->xAxis->range().upper, 39.5);
    QCOMPARE(plot->yAxis->range().upper, 9.5);
}

void TestMaskInspector::newRoundKeepsZoom()
{
    MaskInspector inspector;
    inspector.setLayer(makeLayer("fc1.weight", {10, 40}));
    inspector.plot()->xAxis->setRange(3, 8); // as after dragging
    inspector.plot()->yAxis->setRange(2, 4);
    LayerTensors next = makeLayer("fc1.weight", {10, 40});
    next.round = 2;
    inspector.setLayer(next);
    QCOMPARE(inspector.plot()->xAxis->range().lower, 3.0);
    QCOMPARE(inspector.plot()->xAxis->range().upper, 8.0);
    inspector.setLayer(makeLayer("fc2.weight", {10, 40})); // another layer is shown whole
    QVERIFY(inspector.plot()->xAxis->range().lower <= -0.5);
    QVERIFY(inspector.plot()->xAxis->range().upper >= 39.5);
}

void TestMaskInspector::hugeLayersAreMaxPooled()
{
    MaskInspector inspector;
    inspector.setCellBudget(100);
    LayerTensors layer = makeLayer("fc1.weight", {40, 40}, /*scores=*/false, /*previous=*/false);
    std::fill(layer.mask.begin(), layer.mask.end(), 0);
    std::fill(layer.weights.begin(), layer.weights.end(), 0.0F);
    layer.mask[std::size_t(5 * 40 + 6)] = 1; // one kept element in the 4×4 block (1, 1)
    layer.weights[std::size_t(5 * 40 + 6)] = -0.5F;
    layer.mask[std::size_t(5 * 40 + 7)] = 1;
    layer.weights[std::size_t(5 * 40 + 7)] = 0.25F;
    inspector.setLayer(layer);
    QCOMPARE(inspector.poolingFactor(), 4);
    QCOMPARE(inspector.colorMap()->data()->keySize(), 10);
    QCOMPARE(inspector.colorMap()->data()->valueSize(), 10);
    QCOMPARE(cell(inspector, 1, 1), 1.0);
    QCOMPARE(cell(inspector, 0, 0), 0.0);
    QVERIFY(inspector.findChild<QLabel*>(QStringLiteral("titleLabel"))->text().contains(QStringLiteral("max-pooling")));
    inspector.setView(View::Weights);
    QCOMPARE(cell(inspector, 1, 1), -0.5); // the largest |weight| of the block
    // Hovering still resolves single elements.
    QCOMPARE(inspector.cellAt(7.0, 5.0)->flatIndex, 5 * 40 + 7);
    QCOMPARE(inspector.cellAt(7.0, 5.0)->weight, 0.25F);
}

void TestMaskInspector::clearShowsEmptyState()
{
    MaskInspector inspector;
    inspector.setLayer(makeLayer("fc1.weight", {3, 4}));
    QVERIFY(viewCombo(inspector)->isEnabled());
    inspector.clear();
    QVERIFY(!inspector.hasLayer());
    QVERIFY(inspector.colorMap()->data()->isEmpty());
    QVERIFY(!viewCombo(inspector)->isEnabled());
    QVERIFY(!inspector.cellAt(1.0, 1.0));
    QCPItemText* empty = nullptr;
    for (int i = 0; i < inspector.plot()->itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(inspector.plot()->item(i)))
            empty = text;
    }
    QVERIFY(empty);
    QVERIFY(empty->visible());
    QCOMPARE(empty->text(), QStringLiteral("select a layer to inspect its mask"));
    QVERIFY(inspector.findChild<QLabel*>(QStringLiteral("titleLabel"))->text().isEmpty());
}

void TestMaskInspector::vgg512ConvIsFast()
{
    LayerTensors layer;
    layer.name = "features.28.weight";
    layer.shape = {512, 512, 3, 3};
    const std::size_t numel = 512 * 512 * 9;
    layer.weights.resize(numel);
    layer.mask.resize(numel);
    layer.scores.resize(numel);
    layer.previousMask.assign(numel, 1);
    for (std::size_t i = 0; i < numel; ++i) {
        layer.mask[i] = (i * 2654435761U) % 100 < 7 ? 1 : 0;
        layer.weights[i] = layer.mask[i] ? float(int(i % 201) - 100) * 1e-3F : 0.0F;
        layer.scores[i] = float(i % 1000 + 1) * 1e-6F;
    }
    MaskInspector inspector;
    inspector.resize(800, 600);
    inspector.show();
    QElapsedTimer timer;
    timer.start();
    inspector.setLayer(std::move(layer));
    const qint64 setLayerMs = timer.elapsed();
    QCOMPARE(inspector.colorMap()->data()->keySize(), 512 * 4 - 1);
    QCOMPARE(inspector.poolingFactor(), 1);
    timer.restart();
    inspector.setView(View::Weights);
    const qint64 switchMs = timer.elapsed();
    timer.restart();
    inspector.plot()->replot(); // colourises the 4.2 M cells
    const qint64 replotMs = timer.elapsed();
    qInfo("512×512×3×3: setLayer %lld ms, view switch %lld ms, first replot %lld ms", setLayerMs, switchMs, replotMs);
    QVERIFY2(setLayerMs < 1000, "setLayer of a VGG conv layer must stay interactive"); // loose: shared CI cores
}

ESPALIER_TEST_MAIN(TestMaskInspector)

} // namespace tst_maskinspector

#include "tst_maskinspector.moc"
