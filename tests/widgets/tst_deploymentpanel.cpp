// The deployment panel: the table a measurement fills, the gains it computes, the stale-measurement
// note, typed batch sizes and when "Measure" may be pressed.

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include "findchild.h"
#include "testregistry.h"
#include "widgets/deploymentpanel.h"

namespace tst_deploymentpanel {

using espalier::core::BenchLatency;
using espalier::core::BenchRow;
using espalier::core::DeploymentState;
using espalier::testing::child;
using espalier::widgets::DeploymentPanel;

namespace {

DeploymentState measured()
{
    BenchRow row;
    row.parameters = 266610;
    row.nonzeros = 5734;
    row.denseBytes = 1066440;
    row.compressedBytes = 56211;
    row.macs = 266200;
    row.nonzeroMacs = 5324;
    row.maxDifference = 1.1e-5;
    row.latency = {BenchLatency{1, 0.139, 0.018, 3, {{}, {}, {}}}, BenchLatency{256, 0.999, 0.250, 2, {{}, {}, {}}}};
    DeploymentState s;
    s.round = 3;
    s.sparsity = 0.98;
    s.threads = 2;
    s.row = row;
    return s;
}

QString cell(QTableWidget* table, int row, int column)
{
    return table->item(row, column)->text();
}

} // namespace

class TestDeploymentPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void measurementFillsTheTable();
    void aMeasurementOfAnEarlierRoundSaysSo();
    void measureEmitsTheTypedBatches();
    void measureWaitsForASessionAndForTheLastMeasurement();
};

void TestDeploymentPanel::measurementFillsTheTable()
{
    DeploymentPanel panel;
    panel.setState(measured(), 3, 0.98);
    auto* table = panel.table();
    // Weights, stored size, MACs, one latency row per batch, the logit difference.
    QCOMPARE(table->rowCount(), 6);
    QCOMPARE(table->verticalHeaderItem(1)->text(), QStringLiteral("Stored size"));
    QCOMPARE(cell(table, 1, 2), QStringLiteral("19.0× smaller")); // 1066440 / 56211 = 18.97
    QCOMPARE(cell(table, 2, 2), QStringLiteral("50.0× fewer"));   // 266200 / 5324
    QCOMPARE(table->verticalHeaderItem(3)->text(), QStringLiteral("Latency, batch 1"));
    QCOMPARE(cell(table, 3, 0), QStringLiteral("0.139 ms"));
    QCOMPARE(cell(table, 3, 2), QStringLiteral("7.72× faster"));
    QCOMPARE(cell(table, 4, 2), QStringLiteral("4.00× faster"));
    QVERIFY(table->item(4, 1)->toolTip().contains(QStringLiteral("2 of 3 layers run sparse")));
    QCOMPARE(cell(table, 5, 1), QStringLiteral("1.1e-05"));
    const auto status = child<QLabel>(panel, "deploymentStatusLabel")->text();
    QVERIFY2(status.contains(QStringLiteral("round 3")) && status.contains(QStringLiteral("2 threads")), qPrintable(status));
    QVERIFY(!status.contains(QStringLiteral("moved on")));
}

void TestDeploymentPanel::aMeasurementOfAnEarlierRoundSaysSo()
{
    DeploymentPanel panel;
    panel.setState(measured(), 4, 0.99);
    const auto status = child<QLabel>(panel, "deploymentStatusLabel")->text();
    QVERIFY2(status.contains(QStringLiteral("moved on")) && status.contains(QStringLiteral("round 4")), qPrintable(status));
    QCOMPARE(panel.table()->rowCount(), 6); // the old numbers stay visible

    DeploymentState failed;
    failed.message = "deployment measurement failed: out of memory";
    panel.setState(failed, 4, 0.99);
    QCOMPARE(child<QLabel>(panel, "deploymentStatusLabel")->text(), QString::fromStdString(failed.message));
    QCOMPARE(panel.table()->rowCount(), 0);
}

void TestDeploymentPanel::measureEmitsTheTypedBatches()
{
    DeploymentPanel panel;
    panel.setAvailable(true);
    QSignalSpy spy(&panel, &DeploymentPanel::measureRequested);
    auto* edit = child<QLineEdit>(panel, "deploymentBatchesEdit");
    auto* button = child<QPushButton>(panel, "measureDeploymentButton");
    edit->setText(QStringLiteral("1, 64,512"));
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<std::vector<std::int64_t>>(), (std::vector<std::int64_t>{1, 64, 512}));
    for (const char* bad : {"", "0", "1, x", "-4"}) {
        edit->setText(QString::fromLatin1(bad));
        QVERIFY2(!button->isEnabled(), bad);
        QVERIFY(!panel.batches().has_value());
    }
}

void TestDeploymentPanel::measureWaitsForASessionAndForTheLastMeasurement()
{
    DeploymentPanel panel;
    auto* button = child<QPushButton>(panel, "measureDeploymentButton");
    QVERIFY(!button->isEnabled()); // no session yet
    panel.setAvailable(true);
    QVERIFY(button->isEnabled());
    DeploymentState running;
    running.running = true;
    panel.setState(running, 1, 0.5);
    QVERIFY(!button->isEnabled());
    QVERIFY(child<QLabel>(panel, "deploymentStatusLabel")->text().contains(QStringLiteral("Measuring")));
    panel.setState(measured(), 3, 0.98);
    QVERIFY(button->isEnabled());
}

ESPALIER_TEST_MAIN(TestDeploymentPanel)

} // namespace tst_deploymentpanel

#include "tst_deploymentpanel.moc"
