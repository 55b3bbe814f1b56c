// core::Session end to end on synthetic data: exact sparsity, schedules, determinism, commands
// (pause, step, resume, stop) from another thread, locks, exclusions and collapse policies.

#include <atomic>
#include <thread>

#include <QTemporaryDir>
#include <QtTest>

#include "espalier/core/errors.h"
#include "espalier/core/session.h"
#include "sessiontesting.h"
#include "testregistry.h"
#include "torch_pch.h"

namespace tst_session {

using namespace espalier::core;
using espalier::core::testing::savedParameters;
using espalier::core::testing::syntheticRecipe;
using espalier::core::testing::waitFor;

class TestSession : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runReachesExactSparsity();
    void exponentialScheduleOverRounds();
    void sameSeedIsBitwiseIdentical();
    void pauseStepResume();
    void stopEndsWithCancelled();
    void excludedAndLockedLayersAreNotPruned();
    void collapsePolicies();
    void floorsAsDensityAndCount();
    void unavailableMethodFailsBeforeTraining();
    void snapshotsAreThrottledAndComplete();
    void untrainedRoundsCanSkipTheirEvaluation();
};

void TestSession::runReachesExactSparsity()
{
    Session session(syntheticRecipe());
    std::vector<std::string> log;
    SessionHooks hooks;
    hooks.onLog = [&](const std::string& line) { log.push_back(line); };
    session.run(hooks);
    const auto s = session.snapshot();
    QCOMPARE(s.state, SessionState::Finished);
    QCOMPARE(s.prunableWeights, int64_t(266200));
    QCOMPARE(s.keptWeights, int64_t(26620)); // ⌊0.1 · 266200⌋
    QCOMPARE(s.rounds.size(), size_t(1));
    QCOMPARE(s.rounds[0].sparsity, 1.0 - 26620.0 / 266200.0);
    QCOMPARE(s.epochs.size(), size_t(2));
    QCOMPARE(QString::fromStdString(s.epochs[0].phase), QStringLiteral("pretrain"));
    QVERIFY(s.rounds[0].testAccuracy > 0.5);
    QVERIFY(!log.empty());
}

void TestSession::exponentialScheduleOverRounds()
{
    auto r = syntheticRecipe();
    r.rounds = 3;
    r.targetSparsity = 0.992;
    r.collapsePolicy = "proceed";
    r.pretrain.epochs = 0;
    r.train.epochs = 0;
    Session session(r);
    session.run();
    const auto s = session.snapshot();
    QCOMPARE(s.rounds.size(), size_t(3));
    for (int i = 0; i < 3; ++i) {
        const double density = std::pow(0.008, (i + 1) / 3.0);
        QVERIFY(qFuzzyCompare(s.rounds[i].targetSparsity, 1.0 - density));
        QCOMPARE(int64_t(std::llround((1.0 - s.rounds[i].sparsity) * 266200)),
                 int64_t(std::floor(density * 266200 + 1e-6)));
    }
}

void TestSession::sameSeedIsBitwiseIdentical()
{
    QTemporaryDir dir;
    auto r = syntheticRecipe();
    Session a(r);
    a.run();
    Session b(r);
    b.run();
    auto pa = savedParameters(a, dir.path() + "/a.pt");
    auto pb = savedParameters(b, dir.path() + "/b.pt");
    QCOMPARE(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i)
        QVERIFY2(torch::equal(pa[i], pb[i]), ("parameter " + std::to_string(i) + " differs").c_str());
    QCOMPARE(a.snapshot().rounds[0].testAccuracy, b.snapshot().rounds[0].testAccuracy);

    r.seed = 1;
    Session c(r);
    c.run();
    auto pc = savedParameters(c, dir.path() + "/c.pt");
    QVERIFY(!torch::equal(pa[0], pc[0]));
}

void TestSession::pauseStepResume()
{
    auto r = syntheticRecipe();
    r.rounds = 3;
    r.roundEpochs = 1;
    Session session(r);
    session.pause();
    std::thread worker([&] { session.run(); });
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused; }));
    QCOMPARE(session.snapshot().rounds.size(), size_t(0));

    session.step();
    QVERIFY(waitFor(session, [](const Snapshot& s) {
        return s.state == SessionState::Paused && s.rounds.size() == 1;
    }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    QCOMPARE(session.snapshot().rounds.size(), size_t(1)); // stays paused after one round

    session.resume();
    worker.join();
    QCOMPARE(session.snapshot().state, SessionState::Finished);
    QCOMPARE(session.snapshot().rounds.size(), size_t(3));
}

void TestSession::stopEndsWithCancelled()
{
    auto r = syntheticRecipe();
    r.pretrain.epochs = 50;
    Session session(r);
    std::atomic<bool> cancelled{false};
    std::thread worker([&] {
        try {
            session.run();
        } catch (const Cancelled&) {
            cancelled = true;
        }
    });
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.batch > 0; }));
    session.stop();
    worker.join();
    QVERIFY(cancelled.load());
    QCOMPARE(session.snapshot().state, SessionState::Stopped);
    QVERIFY(session.snapshot().epochs.size() < 50);
}

void TestSession::excludedAndLockedLayersAreNotPruned()
{
    auto r = syntheticRecipe();
    r.exclude = {"fc3"};
    r.locks = {"fc2.weight"};
    r.targetSparsity = 0.5;
    Session session(r);
    session.run();
    const auto s = session.snapshot();
    QCOMPARE(s.layers.size(), size_t(2));
    QCOMPARE(QString::fromStdString(s.layers[1].name), QStringLiteral("fc2.weight"));
    QCOMPARE(s.layers[1].kept, s.layers[1].numel);
    QVERIFY(s.layers[1].locked);
    QCOMPARE(s.keptWeights, int64_t((235200 + 30000) / 2));

    auto bad = syntheticRecipe();
    bad.locks = {"fc7"};
    QVERIFY_THROWS_EXCEPTION(InputError, Session{bad});
}

void TestSession::collapsePolicies()
{
    // Magnitude at initialisation empties fc1 first at 98 % (algorithms.md §4).
    auto r = syntheticRecipe();
    r.pretrain.epochs = 0;
    r.train.epochs = 0;
    r.targetSparsity = 0.98;
    r.collapsePolicy = "block";
    try {
        Session session(r);
        session.run();
        QFAIL("block must stop a collapsing round");
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains("fc1.weight"), e.what());
    }
    r.collapsePolicy = "clamp";
    Session clamped(r);
    clamped.run();
    for (const auto& l : clamped.snapshot().layers)
        QVERIFY2(l.kept >= 1, l.name.c_str());
    r.collapsePolicy = "proceed";
    Session proceeded(r);
    proceeded.run();
    QCOMPARE(proceeded.snapshot().rounds[0].collapsedLayers, 1);
}

void TestSession::floorsAsDensityAndCount()
{
    auto r = syntheticRecipe();
    r.pretrain.epochs = 0;
    r.train.epochs = 0;
    r.targetSparsity = 0.9;
    r.floors = {{"fc1.weight", 0.05}};
    r.floorWeights = {{"fc3.weight", 700}};
    Session session(r);
    session.run();
    const auto s = session.snapshot();
    QCOMPARE(s.keptWeights, int64_t(26620)); // floors fit inside the global budget: still exact
    QVERIFY(s.layers[0].kept >= 11760);
    QCOMPARE(QString::fromStdString(s.layers[2].name), QStringLiteral("fc3.weight"));
    QVERIFY2(s.layers[2].kept >= 700, std::to_string(s.layers[2].kept).c_str());
    QCOMPARE(s.layers[2].floor, 0.7);

    r.floorWeights = {{"fc3.weight", 1001}};
    try {
        Session tooMany(r);
        QFAIL("a floor above the layer size must be refused");
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains("fc3.weight") && QString(e.what()).contains("1000"), e.what());
    }
}

void TestSession::unavailableMethodFailsBeforeTraining()
{
    auto r = syntheticRecipe();
    r.method = "slimming"; // a recipe name reserved for structured pruning, not built yet
    r.pretrain.epochs = 50;
    try {
        Session session(r); // refused at load, not after 50 epochs of pretraining
        QFAIL("an unavailable method must be refused when the session is created");
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains(QStringLiteral("slimming")), e.what());
    }
}

void TestSession::snapshotsAreThrottledAndComplete()
{
    Session session(syntheticRecipe());
    std::vector<Snapshot> seen;
    SessionHooks hooks;
    hooks.maxSnapshotHz = 1000.0;
    hooks.onSnapshot = [&](const Snapshot& s) { seen.push_back(s); };
    session.run(hooks);
    QVERIFY(seen.size() >= 4);
    QCOMPARE(seen.back().state, SessionState::Finished);
    QCOMPARE(seen.back().layers.size(), size_t(3));
    QVERIFY(!seen.back().layers[0].histogram.edges.empty());
    const auto& h = seen.back().layers[0].histogram;
    int64_t counted = h.zeroScores;
    for (size_t i = 0; i < h.keptCounts.size(); ++i)
        counted += h.keptCounts[i] + h.prunedCounts[i];
    QCOMPARE(counted, int64_t(235200));
}

void TestSession::untrainedRoundsCanSkipTheirEvaluation()
{
    // `espalier-cli score`: three untrained rounds, only the last one evaluated; timing split in three.
    auto r = syntheticRecipe();
    r.rounds = 3;
    r.pretrain.epochs = 0;
    r.train.epochs = 0;
    for (const bool evaluateAll : {true, false}) {
        Session session(r);
        SessionHooks hooks;
        hooks.evaluateUntrainedRounds = evaluateAll;
        session.run(hooks);
        const auto s = session.snapshot();
        QCOMPARE(s.rounds.size(), size_t(3));
        for (size_t i = 0; i < 3; ++i) {
            const bool evaluated = evaluateAll || i == 2;
            QCOMPARE(std::isnan(s.rounds[i].testAccuracy), !evaluated);
            QCOMPARE(std::isnan(s.rounds[i].testLoss), !evaluated);
            QVERIFY(s.rounds[i].scoreSeconds >= 0 && s.rounds[i].maskSeconds > 0 && s.rounds[i].checkSeconds > 0);
        }
        QVERIFY(s.rounds[2].testAccuracy > 0.0);
    }
}

ESPALIER_TEST_MAIN(TestSession)

} // namespace tst_session

#include "tst_session.moc"
