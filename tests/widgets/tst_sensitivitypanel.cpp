// The sensitivity panel: heatmap cells from a table, typed sparsities, button states and the floors
// "Set floors" emits.

#include <qcustomplot.h>

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "testregistry.h"
#include "widgets/sensitivitypanel.h"

namespace tst_sensitivitypanel {

using espalier::core::SensitivitySettings;
using espalier::core::SensitivityState;
using espalier::core::SensitivityTable;
using espalier::widgets::SensitivityPanel;

namespace {

SensitivityState finished()
{
    SensitivityTable t;
    t.layers = {"fc1.weight", "fc2.weight", "fc3.weight"};
    t.sparsities = {0.5, 0.9, 0.99};
    t.baseAccuracy = 0.90;
    t.accuracy = {{0.90, 0.895, 0.893}, {0.90, 0.895, 0.70}, {0.85, 0.80, 0.50}};
    SensitivityState s;
    s.done = s.total = 9;
    s.round = 2;
    s.table = t;
    return s;
}

template <typename T>
T* child(QWidget& w, const char* name)
{
    auto* found = w.findChild<T*>(QLatin1String(name));
    if (!found)
        qFatal("no %s", name);
    return found;
}

} // namespace

class TestSensitivityPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void heatmapShowsDropsFirstLayerOnTop();
    void scanSendsTheTypedSparsities();
    void setFloorsEmitsTheTablesFloors();
};

void TestSensitivityPanel::heatmapShowsDropsFirstLayerOnTop()
{
    SensitivityPanel panel;
    panel.resize(500, 400);
    QVERIFY(!panel.heatmap()->visible());
    panel.setState(finished());
    QVERIFY(panel.heatmap()->visible());
    auto* data = panel.heatmap()->data();
    QCOMPARE(data->keySize(), 3);
    QCOMPARE(data->valueSize(), 3);
    // Row 0 (fc1) is drawn on top (y = 2); drops are in points.
    QCOMPARE(data->cell(0, 2), 0.0);
    QVERIFY(std::abs(data->cell(2, 1) - 20.0) < 1e-9); // fc2 at 99 %: 90 → 70
    QVERIFY(std::abs(data->cell(0, 0) - 5.0) < 1e-9);  // fc3 at 50 %
    QCOMPARE(panel.plot()->itemCount(), 9);            // every cell labelled with its accuracy
    QCOMPARE(child<QPushButton>(panel, "setFloorsButton")->isEnabled(), true);
    QCOMPARE(child<QPushButton>(panel, "cancelScanButton")->isEnabled(), false);
}

void TestSensitivityPanel::scanSendsTheTypedSparsities()
{
    SensitivityPanel panel;
    QSignalSpy spy(&panel, &SensitivityPanel::scanRequested);
    auto* scan = child<QPushButton>(panel, "scanButton");
    QVERIFY(!scan->isEnabled()); // no session yet
    panel.setAvailable(true);
    auto* edit = child<QLineEdit>(panel, "sensitivitySparsitiesEdit");
    edit->setText(QStringLiteral("50, 99.5 %"));
    QVERIFY(scan->isEnabled());
    QTest::mouseClick(scan, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    const auto settings = spy.at(0).at(0).value<SensitivitySettings>();
    QCOMPARE(settings.sparsities, (std::vector<double>{0.5, 0.995}));
    QCOMPARE(settings.method, std::string("magnitude"));
    edit->setText(QStringLiteral("50, 100"));
    QVERIFY(!scan->isEnabled()); // 100 % is not a sparsity a layer can survive
    SensitivityState running;
    running.running = true;
    running.total = 9;
    running.done = 4;
    edit->setText(QStringLiteral("50"));
    panel.setState(running);
    QVERIFY(!scan->isEnabled());
    QVERIFY(child<QPushButton>(panel, "cancelScanButton")->isEnabled());
}

void TestSensitivityPanel::setFloorsEmitsTheTablesFloors()
{
    SensitivityPanel panel;
    panel.setState(finished());
    QSignalSpy spy(&panel, &SensitivityPanel::floorsRequested);
    QTest::mouseClick(child<QPushButton>(panel, "setFloorsButton"), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    const auto floors = spy.at(0).at(0).value<std::map<std::string, double>>();
    QCOMPARE(floors.size(), std::size_t(2)); // fc1 stays within a point everywhere
    QCOMPARE(floors.at("fc2.weight"), 1.0 - 0.9);
    QCOMPARE(floors.at("fc3.weight"), 1.0);
}

ESPALIER_TEST_MAIN(TestSensitivityPanel)

} // namespace tst_sensitivitypanel

#include "tst_sensitivitypanel.moc"
