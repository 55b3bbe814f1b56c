#include <QLabel>
#include <QProgressBar>
#include <QTest>

#include "testregistry.h"
#include "widgets/progresspanel.h"

namespace tst_progresspanel {

using espalier::core::SessionState;
using espalier::core::Snapshot;
using espalier::widgets::ProgressPanel;

namespace {

QString text(const ProgressPanel& panel, const char* name)
{
    const auto* label = panel.findChild<QLabel*>(QLatin1String(name));
    return label ? label->text() : QStringLiteral("<no %1>").arg(QLatin1String(name));
}

} // namespace

class TestProgressPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsSnapshot();
    void sparsityHasTwoDecimals_data();
    void sparsityHasTwoDecimals();
    void unknownTotalsShowDashes();
    void speedAndTimeLeft();
};

void TestProgressPanel::speedAndTimeLeft()
{
    Snapshot s;
    s.state = SessionState::Running;
    s.phase = "finetune";
    s.round = 1;
    s.epoch = 3;
    s.totalEpochs = 10;
    s.batch = 50;
    s.totalBatches = 100;
    ProgressPanel panel;
    panel.setSnapshot(s);
    QVERIFY(!ProgressPanel::phaseSecondsLeft(s)); // no finished epoch of this phase yet
    QCOMPARE(text(panel, "etaLabel"), QString());

    espalier::core::EpochRecord pretrain;
    pretrain.phase = "pretrain";
    pretrain.seconds = 100.0; // another phase: must not be used
    espalier::core::EpochRecord finetune;
    finetune.phase = "finetune";
    finetune.round = 1;
    finetune.seconds = 2.0;
    finetune.samplesPerSecond = 45123.4;
    s.epochs = {pretrain, finetune};
    panel.setSnapshot(s);
    // 7 epochs after this one and half of this one, 2 s each.
    QCOMPARE(*ProgressPanel::phaseSecondsLeft(s), 15.0);
    QCOMPARE(text(panel, "etaLabel"), QStringLiteral("0:15 left in phase"));
    QVERIFY2(text(panel, "speedLabel").contains(QStringLiteral("samples/s")), qPrintable(text(panel, "speedLabel")));
    QVERIFY(text(panel, "speedLabel").startsWith(QStringLiteral("45")));

    s.phase = "mask";
    s.epochs.back().phase = "mask";
    panel.setSnapshot(s);
    QVERIFY(text(panel, "etaLabel").startsWith(QStringLiteral("≤ 0:15")));
}

void TestProgressPanel::showsSnapshot()
{
    Snapshot snapshot;
    snapshot.state = SessionState::Running;
    snapshot.phase = "finetune";
    snapshot.round = 1;
    snapshot.totalRounds = 3;
    snapshot.epoch = 2;
    snapshot.totalEpochs = 5;
    snapshot.batch = 40;
    snapshot.totalBatches = 469;
    snapshot.sparsity = 0.9;
    snapshot.targetSparsity = 0.98;
    ProgressPanel panel;
    panel.setSnapshot(snapshot);
    QCOMPARE(text(panel, "stateLabel"), QStringLiteral("Running"));
    QCOMPARE(text(panel, "phaseLabel"), QStringLiteral("Fine-tuning"));
    QCOMPARE(text(panel, "roundLabel"), QStringLiteral("Round 1/3"));
    QCOMPARE(text(panel, "epochLabel"), QStringLiteral("Epoch 2/5"));
    QCOMPARE(text(panel, "batchLabel"), QStringLiteral("Batch 40/469"));
    QCOMPARE(text(panel, "sparsityLabel"), QStringLiteral("Sparsity 90.00 % (target 98.00 %)"));
    const auto* bar = panel.findChild<QProgressBar*>(QStringLiteral("batchProgress"));
    QVERIFY(bar);
    QCOMPARE(bar->maximum(), 469);
    QCOMPARE(bar->value(), 40);
}

void TestProgressPanel::sparsityHasTwoDecimals_data()
{
    QTest::addColumn<double>("sparsity");
    QTest::addColumn<QString>("shown");
    QTest::addRow("zero") << 0.0 << QStringLiteral("Sparsity 0.00 % (target 0.00 %)");
    QTest::addRow("espn") << 0.996 << QStringLiteral("Sparsity 99.60 % (target 0.00 %)");
    QTest::addRow("rounds half up") << 0.98765 << QStringLiteral("Sparsity 98.77 % (target 0.00 %)");
}

void TestProgressPanel::sparsityHasTwoDecimals()
{
    QFETCH(double, sparsity);
    QFETCH(QString, shown);
    Snapshot snapshot;
    snapshot.sparsity = sparsity;
    ProgressPanel panel;
    panel.setSnapshot(snapshot);
    QCOMPARE(text(panel, "sparsityLabel"), shown);
}

void TestProgressPanel::unknownTotalsShowDashes()
{
    ProgressPanel panel;
    QCOMPARE(text(panel, "roundLabel"), QStringLiteral("Round –"));
    panel.setState(SessionState::Failed);
    QCOMPARE(text(panel, "stateLabel"), QStringLiteral("Failed"));
}

ESPALIER_TEST_MAIN(TestProgressPanel)

} // namespace tst_progresspanel

#include "tst_progresspanel.moc"
