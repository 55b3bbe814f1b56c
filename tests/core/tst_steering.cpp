// Steering a running core::Session: changes from the next round, recorded so a headless run of the
// steered recipe replays the session; rollback to an earlier round (bitwise state, new branch);
// collapse_policy warnings and the interactive "block" that pauses instead of failing.

#include <thread>

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include "espalier/core/errors.h"
#include "espalier/core/inspect.h"
#include "espalier/core/session.h"
#include "sessiontesting.h"
#include "testregistry.h"
#include "torch_pch.h"

namespace tst_steering {

using namespace espalier::core;
using espalier::core::testing::inputErrorOf;
using espalier::core::testing::sameTensors;
using espalier::core::testing::savedParameters;
using espalier::core::testing::syntheticRecipe;
using espalier::core::testing::waitFor;

namespace {

Recipe threeRounds()
{
    Recipe r = syntheticRecipe();
    r.rounds = 3;
    r.roundEpochs = 1;
    return r;
}

bool pausedAfter(const Snapshot& s, std::size_t rounds, int branch = 0)
{
    return s.state == SessionState::Paused && s.rounds.size() == rounds && s.branch == branch;
}

} // namespace

class TestSteering : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void targetChangeAppliesFromNextRoundAndReplays();
    void badChangesAreRefusedAtOnce();
    void rollbackRestoresStateAndBranches();
    void layerTensorsWhilePaused();
    void interactiveBlockPausesBeforeTheRound();
    void clampAndAllowAreRecorded();
    void thresholdPreviewIsTheNextRoundsAndChangesNothing();
};

void TestSteering::thresholdPreviewIsTheNextRoundsAndChangesNothing()
{
    // "random" draws its scores from the session's generator: the preview must use a copy of it.
    QTemporaryDir dir;
    auto r = threeRounds();
    r.method = "random";
    Session straight(r);
    straight.run();

    Session session(r);
    session.pause();
    std::thread worker([&] { session.run(); });
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused; }));
    session.step();
    QVERIFY(waitFor(session, [](const Snapshot& s) { return pausedAfter(s, 1); }));
    session.requestThresholdPreview();
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.previewRound == 2; }));
    const auto preview = session.snapshot().previewThresholds;
    QCOMPARE(preview.size(), std::size_t(3));
    session.step();
    QVERIFY(waitFor(session, [](const Snapshot& s) { return pausedAfter(s, 2); }));
    const auto s = session.snapshot();
    QCOMPARE(s.previewRound, 0); // round 2 ran: its real thresholds replace the preview
    for (std::size_t i = 0; i < preview.size(); ++i) {
        QVERIFY(std::isfinite(preview[i]));
        QCOMPARE(s.layers[i].histogram.threshold, preview[i]); // exactly what round 2 then kept
    }
    session.resume();
    worker.join();
    QVERIFY(sameTensors(savedParameters(session, dir.filePath("a.pt")), savedParameters(straight, dir.filePath("b.pt"))));
}

void TestSteering::targetChangeAppliesFromNextRoundAndReplays()
{
    QTemporaryDir dir;
    Session session(threeRounds());
    session.pause();
    std::thread worker([&] { session.run(); });
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused; }));
    session.step();
    QVERIFY(waitFor(session, [](const Snapshot& s) { return pausedAfter(s, 1); }));
    const std::int64_t fc3AfterRound1 = session.snapshot().layers[2].kept;
    SteeringChange change;
    change.targetSparsity = 0.95;
    change.locks = {{"fc3.weight", true}};
    session.steer(change);
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.targetSparsity == 0.95; }));
    QVERIFY(session.snapshot().layers[2].locked);
    session.resume();
    worker.join();

    const auto s = session.snapshot();
    QCOMPARE(s.state, SessionState::Finished);
    QCOMPARE(s.rounds.size(), std::size_t(3));
    QCOMPARE(s.rounds[2].targetSparsity, 0.95);
    // fc3 was locked with round 1's mask; the other layers carry the rest of the 95 % budget.
    QCOMPARE(s.layers[2].kept, fc3AfterRound1);
    QCOMPARE(s.keptWeights, std::int64_t(13310)); // ⌊0.05 · 266200⌋
    QVERIFY(!s.annotations.empty());
    QVERIFY2(QString::fromStdString(s.annotations.back().text).contains(QStringLiteral("from round 2: target 95.00 %")),
             s.annotations.back().text.c_str());

    // The report stores the replayable recipe: initial values plus the steering list.
    session.saveReport(dir.filePath("report.h5").toStdString());
    const auto report = nlohmann::json::parse(inspectFileJson(dir.filePath("report.h5").toStdString()));
    QCOMPARE(report["recipe"]["target_sparsity"].get<double>(), 0.9);
    QCOMPARE(report["recipe"]["steering"].size(), std::size_t(1));

    const Recipe steered = session.currentRecipe();
    QCOMPARE(steered.steering.size(), std::size_t(1));
    QCOMPARE(steered.steering[0].round, 2);
    QCOMPARE(steered.targetSparsity, 0.9); // the initial value; the change lives in `steering`
    // The steered recipe, as JSON, replays the session headless: same weights bit for bit.
    Session replay(parseRecipe(recipeToJson(steered), "steered"));
    replay.run();
    QCOMPARE(replay.snapshot().keptWeights, s.keptWeights);
    QVERIFY(sameTensors(savedParameters(session, dir.filePath("a.pt")), savedParameters(replay, dir.filePath("b.pt"))));
}

void TestSteering::badChangesAreRefusedAtOnce()
{
    Session session(threeRounds());
    SteeringChange unknown;
    unknown.locks = {{"fc9.weight", true}};
    QVERIFY(inputErrorOf([&] { session.steer(unknown); }).contains(QStringLiteral("fc9.weight")));
    SteeringChange toEspn;
    toEspn.method = "espn-finetune";
    QVERIFY(inputErrorOf([&] { session.steer(toEspn); }).contains(QStringLiteral("espn-finetune")));
    SteeringChange tooSparse;
    tooSparse.targetSparsity = 1.5;
    QVERIFY(inputErrorOf([&] { session.steer(tooSparse); }).contains(QStringLiteral("target_sparsity")));
    SteeringChange badParam;
    badParam.method = "snip";
    badParam.methodParams = std::map<std::string, double>{{"temprature", 1.0}};
    QVERIFY(inputErrorOf([&] { session.steer(badParam); }).contains(QStringLiteral("temprature")));
    QVERIFY(inputErrorOf([&] { session.steer(SteeringChange{}); }).contains(QStringLiteral("nothing")));
    QVERIFY(inputErrorOf([&] { session.rollback(1); }).contains(QStringLiteral("round 1")));
}

void TestSteering::rollbackRestoresStateAndBranches()
{
    QTemporaryDir dir;
    Session straight(threeRounds());
    straight.run();

    Session session(threeRounds());
    session.pause();
    std::thread worker([&] { session.run(); });
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused; }));
    session.step();
    QVERIFY(waitFor(session, [](const Snapshot& s) { return pausedAfter(s, 1); }));
    session.step();
    QVERIFY(waitFor(session, [](const Snapshot& s) { return pausedAfter(s, 2); }));
    QCOMPARE(session.snapshot().rollbackRounds, (std::vector<int>{0, 1, 2}));
    session.rollback(1);
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused && s.branch == 1; }));
    session.resume();
    worker.join();

    const auto s = session.snapshot();
    QCOMPARE(s.state, SessionState::Finished);
    // Old branch: rounds 1 and 2; new branch: rounds 2 and 3, continuing at round 1's position.
    QCOMPARE(s.rounds.size(), std::size_t(4));
    QCOMPARE(s.rounds[1].branch, 0);
    QCOMPARE(s.rounds[2].branch, 1);
    QCOMPARE(s.rounds[2].round, 2);
    QCOMPARE(s.rounds[3].round, 3);
    QCOMPARE(s.rounds[2].position, s.rounds[1].position);
    // Restored weights, masks and random state: the new branch ends exactly where a straight run does.
    QVERIFY(sameTensors(savedParameters(session, dir.filePath("a.pt")), savedParameters(straight, dir.filePath("b.pt"))));
    QCOMPARE(s.rounds[3].testAccuracy, straight.snapshot().rounds[2].testAccuracy);
}

void TestSteering::layerTensorsWhilePaused()
{
    Session session(threeRounds());
    std::mutex mutex;
    std::vector<LayerTensors> received;
    SessionHooks hooks;
    hooks.onLayerTensors = [&](const LayerTensors& t) {
        std::lock_guard lock(mutex);
        received.push_back(t);
    };
    session.pause();
    std::thread worker([&] {
        try {
            session.run(hooks);
        } catch (const Cancelled&) {
        }
    });
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused; }));
    session.step();
    QVERIFY(waitFor(session, [](const Snapshot& s) { return pausedAfter(s, 1); }));
    session.requestLayerTensors("fc2.weight");
    QTRY_VERIFY_WITH_TIMEOUT([&] { std::lock_guard lock(mutex); return !received.empty(); }(), 10000);
    session.stop();
    worker.join();
    const LayerTensors& t = received.front();
    QCOMPARE(t.shape, (std::vector<std::int64_t>{100, 300}));
    QCOMPARE(t.weights.size(), std::size_t(30000));
    QCOMPARE(t.mask.size(), std::size_t(30000));
    QCOMPARE(t.previousMask.size(), std::size_t(30000));
    QCOMPARE(t.scores.size(), std::size_t(30000));
    const auto kept = std::count(t.mask.begin(), t.mask.end(), 1);
    QCOMPARE(kept, session.snapshot().layers[1].kept);
    for (std::size_t i = 0; i < t.mask.size(); ++i)
        if (!t.mask[i])
            QCOMPARE(t.weights[i], 0.0f); // pruned weights are exactly zero
    QVERIFY(std::count(t.previousMask.begin(), t.previousMask.end(), 1) == 30000); // dense before round 1
}

void TestSteering::interactiveBlockPausesBeforeTheRound()
{
    // Magnitude at initialisation empties fc1 at 98 % (algorithms.md §4): "block" refuses the round.
    auto r = threeRounds();
    r.rounds = 1;
    r.pretrain.epochs = 0;
    r.train.epochs = 0;
    r.targetSparsity = 0.98;
    r.collapsePolicy = "block";
    Session session(r);
    SessionHooks hooks;
    hooks.interactive = true;
    std::thread worker([&] {
        try {
            session.run(hooks);
        } catch (const Cancelled&) {
        }
    });
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused; }));
    auto s = session.snapshot();
    QVERIFY(!s.collapseWarnings.empty());
    QCOMPARE(QString::fromStdString(s.collapseWarnings[0].action), QStringLiteral("blocked"));
    QCOMPARE(QString::fromStdString(s.collapseWarnings[0].layer), QStringLiteral("fc1.weight"));
    QCOMPARE(s.rounds.size(), std::size_t(0));
    QCOMPARE(s.sparsity, 0.0); // nothing was pruned
    SteeringChange lower;
    lower.targetSparsity = 0.5;
    session.steer(lower);
    session.resume();
    const bool finished = waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Finished; });
    if (!finished) {
        for (const auto& e : session.snapshot().events)
            qWarning("%s", e.c_str());
        session.stop();
    }
    worker.join();
    QVERIFY(finished);
    s = session.snapshot();
    QCOMPARE(s.state, SessionState::Finished);
    QCOMPARE(s.rounds.size(), std::size_t(1));
    QCOMPARE(s.keptWeights, std::int64_t(133100));
}

void TestSteering::clampAndAllowAreRecorded()
{
    auto r = threeRounds();
    r.rounds = 1;
    r.pretrain.epochs = 0;
    r.train.epochs = 0;
    r.targetSparsity = 0.98;
    r.collapsePolicy = "clamp";
    Session clamped(r);
    clamped.run();
    auto warnings = clamped.snapshot().collapseWarnings;
    QVERIFY(!warnings.empty());
    QCOMPARE(QString::fromStdString(warnings[0].action), QStringLiteral("clamped"));
    QCOMPARE(QString::fromStdString(warnings[0].policy), QStringLiteral("clamp"));
    QCOMPARE(QString::fromStdString(warnings[0].layer), QStringLiteral("fc1.weight"));

    r.collapsePolicy = "allow";
    Session allowed(r);
    allowed.run();
    warnings = allowed.snapshot().collapseWarnings;
    QVERIFY(!warnings.empty());
    QCOMPARE(QString::fromStdString(warnings[0].action), QStringLiteral("allowed"));
    QCOMPARE(allowed.snapshot().layers[0].kept, std::int64_t(0));
}

ESPALIER_TEST_MAIN(TestSteering)

} // namespace tst_steering

#include "tst_steering.moc"
