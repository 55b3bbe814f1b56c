// The workbench end to end on a real Fashion-MNIST subset: every live view updates during a run,
// the user steers and rolls back from the panels, a forced layer collapse shows in the collapse
// panel and the layer table, and "block" pauses with an explanation instead of failing.

#include <QDockWidget>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <qcustomplot.h>

#include "app/gui/mainwindow.h"
#include "app/gui/sessioncontroller.h"
#include "espalier/core/recipe.h"
#include "espalier/core/session.h"
#include "screenshot.h"
#include "testregistry.h"
#include "widgets/collapsepanel.h"
#include "widgets/densitychart.h"
#include "widgets/format.h"
#include "widgets/historypanel.h"
#include "widgets/layertablemodel.h"
#include "widgets/maskinspector.h"
#include "widgets/saliencyhistogram.h"
#include "widgets/sensitivitypanel.h"
#include "widgets/sparsitycurvechart.h"

namespace tst_workbench {

using espalier::app::MainWindow;
using espalier::core::Recipe;
using espalier::core::SessionState;
using espalier::testing::screenshot;

namespace {

constexpr int kTimeoutMs = 180000;

Recipe fashionRecipe()
{
    Recipe r;
    r.model.name = "lenet300";
    r.data.name = "fashion-mnist"; // the real files from Debian's dataset-fashion-mnist
    r.data.root = "/usr/share/datasets/fashion-mnist";
    r.data.trainLimit = 2000;
    r.method = "magnitude";
    r.targetSparsity = 0.9;
    r.rounds = 2;
    r.roundEpochs = 1;
    r.pretrain.epochs = 1;
    r.pretrain.lr = 0.05;
    r.train.epochs = 1;
    r.train.lr = 0.01;
    r.threads = 1;
    return r;
}

QString writeRecipe(const QTemporaryDir& dir, const QString& name, const Recipe& recipe)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(QByteArray::fromStdString(espalier::core::recipeToJson(recipe)));
    return path;
}

template <typename T>
T* child(const MainWindow& window, const char* name)
{
    auto* found = window.findChild<T*>(QLatin1String(name));
    if (!found)
        qFatal("no %s", name);
    return found;
}

int pointsOn(const QWidget* chart)
{
    int points = 0;
    for (const auto* plot : chart->findChildren<QCustomPlot*>())
        for (int g = 0; g < plot->graphCount(); ++g)
            points += plot->graph(g)->dataCount();
    return points;
}

/// Opens a recipe, waits until its session is prepared (the layer table is filled) and presses Start.
bool openAndStart(MainWindow& window, const QString& recipePath)
{
    if (!window.openRecipe(recipePath))
        return false;
    auto* table = child<QTableView>(window, "layerTableView");
    if (!QTest::qWaitFor([&] { return table->model()->rowCount() == 3; }, kTimeoutMs))
        return false;
    QTest::mouseClick(child<QPushButton>(window, "startButton"), Qt::LeftButton);
    return true;
}

} // namespace

class TestWorkbench : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void liveRunUpdatesEveryView();
    void stepSteerAndRollBackFromThePanels();
    void forcedCollapseShowsInPanelAndTable();
    void blockPausesWithAnExplanation();
    void reportCurveOverlay();
    void sensitivityScanSetsFloors();
    void channelCutShowsChannelsAndEmptyRows();
    void deploymentPanelMeasuresTheFinishedModel();

private:
    QTemporaryDir* m_dir = nullptr;
    MainWindow* m_window = nullptr;
};

void TestWorkbench::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // window layout and recent files stay out of ~/.config
    if (!QFile::exists(QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")))
        QSKIP("dataset-fashion-mnist is not installed (installer/packages.txt lists it)");
}

void TestWorkbench::init()
{
    m_dir = new QTemporaryDir;
    m_window = new MainWindow;
    m_window->resize(1600, 1000);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
}

void TestWorkbench::cleanup()
{
    delete m_window;
    delete m_dir;
}

void TestWorkbench::liveRunUpdatesEveryView()
{
    MainWindow& w = *m_window;
    QVERIFY(w.openRecipe(writeRecipe(*m_dir, QStringLiteral("fashion.json"), fashionRecipe())));
    auto* table = child<QTableView>(w, "layerTableView");
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 3, kTimeoutMs);
    auto* density = child<espalier::widgets::DensityChart>(w, "densityChart");
    auto* histogram = child<espalier::widgets::SaliencyHistogramChart>(w, "saliencyHistogram");
    auto* inspector = child<espalier::widgets::MaskInspector>(w, "maskInspector");
    auto* curve = child<QWidget>(w, "curveChart");
    QCOMPARE(histogram->keptBars()->data()->size(), 0); // nothing scored yet

    QTest::mouseClick(child<QPushButton>(w, "startButton"), Qt::LeftButton);
    // Mid-run: the curve grows before the session ends.
    QTRY_VERIFY_WITH_TIMEOUT(pointsOn(curve) > 0, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Finished, kTimeoutMs);
    const auto& s = *w.latestSnapshot();

    QCOMPARE(s.rounds.size(), std::size_t(2));
    // Layer table: kept counts are the core's.
    const auto* model = child<espalier::widgets::LayerTableModel>(w, "layerTableModel");
    for (int row = 0; row < 3; ++row)
        QCOMPARE(model->layers()[std::size_t(row)].kept, s.layers[std::size_t(row)].kept);
    // Density chart: one bar per layer at the layer's density (in %).
    QCOMPARE(density->layerCount(), 3);
    double barsTotal = 0.0;
    for (auto* bars : {density->densityBars(), density->nearFloorBars(), density->collapsedBars()})
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
            barsTotal += it->value;
    double expected = 0.0;
    for (const auto& l : s.layers)
        expected += 100.0 * l.density();
    QVERIFY2(std::abs(barsTotal - expected) < 1e-6, qPrintable(QString::number(barsTotal)));
    // Histogram of the selected layer (the first, selected by default): kept + pruned = its weights.
    QCOMPARE(histogram->layerName(), QStringLiteral("fc1.weight"));
    double counted = double(s.layers[0].histogram.zeroScores);
    for (auto* bars : {histogram->keptBars(), histogram->prunedBars()})
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
            counted += it->value;
    QCOMPARE(counted, double(s.layers[0].numel));
    // Curve: test accuracy and train loss for each of the 1 + 1 + 1 epochs at least.
    QVERIFY(pointsOn(curve) >= 2 * int(s.epochs.size()));
    // Mask inspector: the selected layer, with its mask.
    QTRY_VERIFY_WITH_TIMEOUT(inspector->hasLayer(), 10000);
    QVERIFY(child<QLabel>(w, "titleLabel")->text().contains(QStringLiteral("fc1.weight")));
    // History: the dense state and both rounds.
    QCOMPARE(child<QTreeWidget>(w, "historyList")->topLevelItemCount(), 3);
}

void TestWorkbench::stepSteerAndRollBackFromThePanels()
{
    MainWindow& w = *m_window;
    Recipe r = fashionRecipe();
    r.rounds = 3;
    QVERIFY(openAndStart(w, writeRecipe(*m_dir, QStringLiteral("steer.json"), r)));
    QTest::mouseClick(child<QPushButton>(w, "stepButton"), Qt::LeftButton); // run round 1, then pause
    QTRY_VERIFY_WITH_TIMEOUT(w.latestSnapshot()->state == SessionState::Paused && w.latestSnapshot()->rounds.size() == 1,
                             kTimeoutMs);
    QCOMPARE(w.controller()->state(), SessionState::Paused);
    // Paused between rounds: the histogram previews round 2's threshold.
    auto* histogram = child<espalier::widgets::SaliencyHistogramChart>(w, "saliencyHistogram");
    QTRY_VERIFY_WITH_TIMEOUT(histogram->previewThreshold().has_value(), kTimeoutMs);
    QVERIFY(histogram->previewLine()->visible());
    QCOMPARE(*histogram->previewThreshold(), w.latestSnapshot()->previewThresholds[0]);

    // What-if: SNIP at 97 % on a copy; a diamond on the accuracy chart, the session untouched.
    const auto keptBefore = w.latestSnapshot()->keptWeights;
    auto* previewMethod = child<QComboBox>(w, "previewMethodCombo");
    previewMethod->setCurrentIndex(previewMethod->findText(QStringLiteral("snip")));
    auto* previewSpin = child<QDoubleSpinBox>(w, "previewSparsitySpin");
    previewSpin->setValue(97.0);
    QCOMPARE(child<QSlider>(w, "previewSparsitySlider")->value(), 970);
    QTest::mouseClick(child<QPushButton>(w, "previewButton"), Qt::LeftButton);
    auto* chart = child<espalier::widgets::SparsityCurveChart>(w, "sparsityCurve");
    QTRY_VERIFY_WITH_TIMEOUT(chart->previewCurve()->visible() && chart->previewCurve()->dataCount() == 1, kTimeoutMs);
    QCOMPARE(w.latestSnapshot()->previewPoints.back().method, std::string("snip"));
    QVERIFY(std::abs(w.latestSnapshot()->previewPoints.back().sparsity - 0.97) < 1e-3);
    QCOMPARE(w.latestSnapshot()->keptWeights, keptBefore);
    QCOMPARE(w.latestSnapshot()->state, SessionState::Paused);
    previewMethod->setCurrentIndex(previewMethod->findText(QStringLiteral("magnitude")));
    QTest::mouseClick(child<QPushButton>(w, "previewButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(chart->previewCurve()->dataCount(), 2, kTimeoutMs);
    screenshot(w, "what-if-preview");

    // Steering: a new target, typed and applied.
    auto* target = child<QDoubleSpinBox>(w, "targetSpin");
    target->selectAll();
    QTest::keyClicks(target, QStringLiteral("95"));
    QTest::keyClick(target, Qt::Key_Tab);
    QTest::mouseClick(child<QPushButton>(w, "applyButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.latestSnapshot()->targetSparsity, 0.95, kTimeoutMs);

    QTest::mouseClick(child<QPushButton>(w, "stepButton"), Qt::LeftButton); // round 2 at the new schedule
    QTRY_VERIFY_WITH_TIMEOUT(w.latestSnapshot()->state == SessionState::Paused && w.latestSnapshot()->rounds.size() == 2,
                             kTimeoutMs);
    // Roll back to the end of round 1 from the history panel.
    auto* history = child<QTreeWidget>(w, "historyList");
    QTRY_COMPARE(history->topLevelItemCount(), 3);
    QTest::mouseClick(history->viewport(), Qt::LeftButton, {}, history->visualItemRect(history->topLevelItem(1)).center());
    QCOMPARE(history->topLevelItem(1)->data(0, espalier::widgets::HistoryPanel::RoundRole).toInt(), 1);
    QTest::mouseClick(child<QPushButton>(w, "rollbackButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.latestSnapshot()->branch == 1 && w.latestSnapshot()->state == SessionState::Paused,
                             kTimeoutMs);
    // Back at the end of round 1, before the change: the target is the recipe's again. Try another one.
    QCOMPARE(w.latestSnapshot()->targetSparsity, 0.9);
    QTRY_COMPARE(target->value(), 90.0);
    target->selectAll();
    QTest::keyClicks(target, QStringLiteral("97"));
    QTest::keyClick(target, Qt::Key_Tab);
    QTest::mouseClick(child<QPushButton>(w, "applyButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.latestSnapshot()->targetSparsity, 0.97, kTimeoutMs);
    QTest::mouseClick(child<QPushButton>(w, "resumeButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Finished, kTimeoutMs);
    screenshot(w, "steered-and-rolled-back");
    const auto& s = *w.latestSnapshot();
    QCOMPARE(s.rounds.size(), std::size_t(4)); // 1, 2 on branch 0; 2, 3 on branch 1
    QCOMPARE(s.rounds[1].targetSparsity < s.rounds[3].targetSparsity, true);
    QCOMPARE(s.rounds.back().branch, 1);
    QCOMPARE(s.keptWeights, std::int64_t(std::floor(0.03 * 266200 + 1e-6)));

    // The steering is saved with the recipe, so espalier-cli run replays the branch.
    const QString saved = m_dir->filePath(QStringLiteral("steered.json"));
    QVERIFY(w.saveRecipe(saved));
    const Recipe replay = espalier::core::loadRecipeFile(saved.toStdString());
    QCOMPARE(replay.steering.size(), std::size_t(1));
    QCOMPARE(replay.steering[0].round, 2);
    QCOMPARE(replay.steering[0].targetSparsity.value_or(0.0), 0.97); // the abandoned 95 % is not in it
}

void TestWorkbench::forcedCollapseShowsInPanelAndTable()
{
    // Magnitude at initialisation empties fc1 first at extreme sparsity (algorithms.md §4).
    MainWindow& w = *m_window;
    Recipe r = fashionRecipe();
    r.rounds = 1;
    r.pretrain.epochs = 0;
    r.train.epochs = 0;
    r.targetSparsity = 0.999;
    r.collapsePolicy = "allow";
    QVERIFY(openAndStart(w, writeRecipe(*m_dir, QStringLiteral("collapse.json"), r)));
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Finished, kTimeoutMs);
    QTRY_VERIFY(child<espalier::widgets::CollapsePanel>(w, "collapsePanel")->warningCount() >= 1);
    auto* warnings = child<QTreeWidget>(w, "warningList");
    bool fc1 = false;
    for (int i = 0; i < warnings->topLevelItemCount(); ++i)
        fc1 = fc1 || warnings->topLevelItem(i)->text(espalier::widgets::CollapsePanel::LayerColumn) ==
                         QStringLiteral("fc1.weight");
    QVERIFY(fc1);
    child<QDockWidget>(w, "collapseDock")->raise();
    screenshot(w, "layer-collapse");
    const auto* model = child<espalier::widgets::LayerTableModel>(w, "layerTableModel");
    const int row = model->rowOf(QStringLiteral("fc1.weight"));
    QCOMPARE(model->index(row, espalier::widgets::LayerTableModel::StatusColumn).data().toString(),
             QStringLiteral("collapsed"));
    QVERIFY(child<QLabel>(w, "summaryLabel")->text().contains(QStringLiteral("effective 100.00 %")));
}

void TestWorkbench::blockPausesWithAnExplanation()
{
    MainWindow& w = *m_window;
    Recipe r = fashionRecipe();
    r.rounds = 1;
    r.pretrain.epochs = 0;
    r.train.epochs = 0;
    r.targetSparsity = 0.999;
    r.collapsePolicy = "block";
    QVERIFY(openAndStart(w, writeRecipe(*m_dir, QStringLiteral("block.json"), r)));
    QTRY_VERIFY_WITH_TIMEOUT(w.findChild<QMessageBox*>(QStringLiteral("collapseBox")), kTimeoutMs);
    auto* box = w.findChild<QMessageBox*>(QStringLiteral("collapseBox"));
    QVERIFY2(box->text().contains(QStringLiteral("fc1.weight")), qPrintable(box->text()));
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Paused, kTimeoutMs); // not failed
    screenshot(w, "collapse-blocked");
    box->accept();
    // The user lowers the target in Steering and resumes: the round runs.
    auto* target = child<QDoubleSpinBox>(w, "targetSpin");
    target->selectAll();
    QTest::keyClicks(target, QStringLiteral("90"));
    QTest::keyClick(target, Qt::Key_Tab);
    QTest::mouseClick(child<QPushButton>(w, "applyButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.latestSnapshot()->targetSparsity, 0.9, kTimeoutMs);
    QTest::mouseClick(child<QPushButton>(w, "resumeButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Finished, kTimeoutMs);
    QCOMPARE(w.latestSnapshot()->keptWeights, std::int64_t(26620));
}

void TestWorkbench::reportCurveOverlay()
{
    Recipe r = fashionRecipe();
    r.data.name = "synthetic";
    r.data.root.clear();
    r.data.trainLimit = 256;
    r.rounds = 3;
    r.roundEpochs = 0;
    espalier::core::Session session(r);
    session.run();
    const QString report = m_dir->filePath(QStringLiteral("report.h5"));
    const QString masks = m_dir->filePath(QStringLiteral("masks.h5"));
    session.saveReport(report.toStdString());
    session.saveMasks(masks.toStdString());

    MainWindow& w = *m_window;
    QVERIFY(w.overlayReport(report));
    auto* chart = child<espalier::widgets::SparsityCurveChart>(w, "sparsityCurve");
    QCOMPARE(chart->baselineCurve()->dataCount(), 3);
    QVERIFY(!w.overlayReport(masks)); // a masks file has no curve: said so, window unharmed
    QTRY_VERIFY(w.findChild<QMessageBox*>(QStringLiteral("errorBox")));
    QVERIFY(w.findChild<QMessageBox*>(QStringLiteral("errorBox"))->text().contains(QStringLiteral("masks.h5")));
    QCOMPARE(chart->baselineCurve()->dataCount(), 3);
}

void TestWorkbench::sensitivityScanSetsFloors()
{
    MainWindow& w = *m_window;
    Recipe r = fashionRecipe();
    r.rounds = 3;
    QVERIFY(openAndStart(w, writeRecipe(*m_dir, QStringLiteral("scan.json"), r)));
    QTest::mouseClick(child<QPushButton>(w, "stepButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.latestSnapshot()->state == SessionState::Paused && w.latestSnapshot()->rounds.size() == 1,
                             kTimeoutMs);
    child<QDockWidget>(w, "sensitivityDock")->raise();
    auto* panel = child<espalier::widgets::SensitivityPanel>(w, "sensitivityPanel");
    child<QLineEdit>(w, "sensitivitySparsitiesEdit")->setText(QStringLiteral("50, 90, 97, 99"));
    QTRY_VERIFY(child<QPushButton>(w, "scanButton")->isEnabled());
    QTest::mouseClick(child<QPushButton>(w, "scanButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.latestSnapshot()->sensitivity.table.has_value(), kTimeoutMs);
    QTRY_VERIFY(panel->heatmap()->visible());
    QCOMPARE(panel->heatmap()->data()->keySize(), 4);
    QCOMPARE(panel->heatmap()->data()->valueSize(), 3);
    screenshot(w, "sensitivity-scan");

    const auto floors = panel->floors();
    QVERIFY(!floors.empty()); // fc3 (1,000 weights) cannot lose 99 % within a point
    QTest::mouseClick(child<QPushButton>(w, "setFloorsButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const auto& layer : w.latestSnapshot()->layers)
                if (floors.count(layer.name) && layer.floor != floors.at(layer.name))
                    return false;
            return true;
        }(),
        kTimeoutMs);
    QCOMPARE(w.latestSnapshot()->state, SessionState::Paused);
    std::map<std::string, std::int64_t> keptWhenSet;
    for (const auto& layer : w.latestSnapshot()->layers)
        keptWhenSet[layer.name] = layer.kept;
    QTest::mouseClick(child<QPushButton>(w, "resumeButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Finished, kTimeoutMs);
    // The floors held: a layer with a floor lost nothing below it (masks only shrink, so a layer
    // already under its floor keeps what it had).
    for (const auto& layer : w.latestSnapshot()->layers) {
        if (!floors.count(layer.name))
            continue;
        const auto floorKept = std::int64_t(std::floor(floors.at(layer.name) * double(layer.numel) + 1e-6));
        QVERIFY2(layer.kept >= std::min(keptWhenSet[layer.name], floorKept), layer.name.c_str());
    }
}

void TestWorkbench::channelCutShowsChannelsAndEmptyRows()
{
    MainWindow& w = *m_window;
    Recipe r = fashionRecipe();
    r.model.name = "lenet5";
    r.channels.method = "l1-filter";
    r.channels.fraction = 0.5;
    r.rounds = 1;
    r.targetSparsity = 0.9; // magnitude prunes what the cut leaves
    QVERIFY(w.openRecipe(writeRecipe(*m_dir, QStringLiteral("channels.json"), r)));
    auto* table = child<QTableView>(w, "layerTableView");
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 4, kTimeoutMs);
    QTest::mouseClick(child<QPushButton>(w, "startButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Finished, kTimeoutMs);

    using espalier::widgets::LayerTableModel;
    const auto* model = child<LayerTableModel>(w, "layerTableModel");
    const int conv2 = model->rowOf(QStringLiteral("conv2.weight"));
    const auto& stats = model->layers()[std::size_t(conv2)];
    QVERIFY(stats.keptChannels <= 25);
    QCOMPARE(model->index(conv2, LayerTableModel::ChannelsColumn).data().toString(),
             QStringLiteral("%1 / 50").arg(stats.keptChannels));

    // The mask inspector shows the removed channels as whole empty rows and columns.
    table->selectRow(conv2);
    auto* inspector = child<espalier::widgets::MaskInspector>(w, "maskInspector");
    QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(w, "titleLabel")->text().contains(QStringLiteral("conv2.weight")), 10000);
    QVERIFY(inspector->hasLayer());
    QTRY_VERIFY(child<QLabel>(w, "legendLabel")->text().contains(QStringLiteral("removed channels")));
    QVERIFY(child<QLabel>(w, "legendLabel")->text().contains(QStringLiteral("of 20 input columns")));
    screenshot(w, "channel-cut");
}

void TestWorkbench::deploymentPanelMeasuresTheFinishedModel()
{
    MainWindow& w = *m_window;
    Recipe r = fashionRecipe();
    r.targetSparsity = 0.98;
    QVERIFY(w.openRecipe(writeRecipe(*m_dir, QStringLiteral("deploy.json"), r)));
    auto* measure = child<QPushButton>(w, "measureDeploymentButton");
    QTRY_VERIFY_WITH_TIMEOUT(measure->isEnabled(), kTimeoutMs); // the loaded, untrained model can be measured too
    QTest::mouseClick(child<QPushButton>(w, "startButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Finished, kTimeoutMs);

    child<QDockWidget>(w, "deploymentDock")->raise();
    QTRY_VERIFY(measure->isEnabled());
    QTest::mouseClick(measure, Qt::LeftButton);
    auto* table = child<QTableWidget>(w, "deploymentTable");
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 6, kTimeoutMs); // 3 sizes, batch 1 and 256, max |Δ logit|
    // The finished model: 2 % of LeNet-300-100's 266,200 weights kept (5,324), the 410 biases dense.
    QCOMPARE(table->item(0, 1)->text(), espalier::widgets::formatCount(5324 + 410));
    QVERIFY(table->item(3, 2)->text().endsWith(QStringLiteral("faster")));
    QVERIFY(child<QLabel>(w, "deploymentStatusLabel")->text().contains(QStringLiteral("round 2")));
    screenshot(w, "deployment");
}

ESPALIER_TEST_MAIN(TestWorkbench)

} // namespace tst_workbench

#include "tst_workbench.moc"
