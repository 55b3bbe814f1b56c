// session.h5 and Session::resume: a session stopped after round k and resumed ends bit for bit
// where the uninterrupted session ends (one thread), with its records, steering and history;
// files that do not fit are refused with the file and the key named.

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <csignal>
#include <sys/resource.h>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "espalier/core/errors.h"
#include "espalier/core/session.h"
#include "sessiontesting.h"
#include "testregistry.h"
#include "torch_pch.h"

namespace tst_sessionresume {

using namespace espalier::core;
using espalier::core::testing::inputErrorOf;
using espalier::core::testing::sameTensors;
using espalier::core::testing::savedParameters;
using espalier::core::testing::syntheticRecipe;
using espalier::core::testing::waitFor;

namespace {

Recipe threeRounds(const std::string& method)
{
    Recipe r = syntheticRecipe();
    r.method = method;
    r.rounds = 3;
    r.roundEpochs = 1;
    r.train.epochs = 2;
    r.pretrain.epochs = 2;
    if (method == "imp")
        r.methodParams = {{"rewind_epoch", 1.0}};
    return r;
}

// Bit for bit: QCOMPARE on doubles is a fuzzy compare.
bool exactlyEqual(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

std::vector<std::vector<std::uint8_t>> masksOf(const Session& session)
{
    std::vector<std::vector<std::uint8_t>> masks;
    for (const auto& layer : session.snapshot().layers)
        masks.push_back(session.layerTensors(layer.name).mask);
    return masks;
}

// Runs `recipe`, stopping once `rounds` rounds are recorded; the autosave leaves session.h5 at `path`.
void runAndStopAfter(const Recipe& recipe, std::size_t rounds, const std::string& path)
{
    Session session(recipe);
    SessionHooks hooks;
    hooks.autosavePath = path;
    hooks.onSnapshot = [&](const Snapshot& s) {
        if (s.rounds.size() >= rounds)
            session.stop();
    };
    QVERIFY_THROWS_EXCEPTION(Cancelled, session.run(hooks));
}

} // namespace

class TestSessionResume : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void resumedSessionEndsBitwiseLikeTheUninterruptedOne_data();
    void resumedSessionEndsBitwiseLikeTheUninterruptedOne();
    void stoppedInsideAPhaseContinuesBitwise_data();
    void stoppedInsideAPhaseContinuesBitwise();
    void steeringMadeAfterTheLastRoundIsKept();
    void aSessionStoppedInPretrainingStartsOver();
    void filesThatDoNotFitAreRefused();
    void importedFilesNeedNotExistToResume();
    void aWriteThatFailsMidwayKeepsTheEarlierFile_data();
    void aWriteThatFailsMidwayKeepsTheEarlierFile();
    void aFailedAutosaveWarnsAndTheSessionGoesOn();
};

void TestSessionResume::resumedSessionEndsBitwiseLikeTheUninterruptedOne_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("stopAfter");
    QTest::newRow("magnitude, after round 1") << "magnitude" << 1;
    QTest::newRow("magnitude, after round 2") << "magnitude" << 2;
    QTest::newRow("imp (rewinding), after round 1") << "imp" << 1;
    QTest::newRow("snip (data batches), after round 2") << "snip" << 2;
    QTest::newRow("random (generator), after round 1") << "random" << 1;
}

void TestSessionResume::resumedSessionEndsBitwiseLikeTheUninterruptedOne()
{
    QFETCH(QString, method);
    QFETCH(int, stopAfter);
    QTemporaryDir dir;
    const Recipe recipe = threeRounds(method.toStdString());
    Session straight(recipe);
    straight.run();

    const std::string path = dir.filePath("session.h5").toStdString();
    runAndStopAfter(recipe, std::size_t(stopAfter), path);
    QVERIFY(std::filesystem::exists(path));
    const auto resumed = Session::resume(path);
    const auto before = resumed->snapshot();
    QCOMPARE(before.rounds.size(), std::size_t(stopAfter));
    QCOMPARE(before.rollbackRounds.back(), stopAfter);
    resumed->run();

    const auto a = straight.snapshot();
    const auto b = resumed->snapshot();
    QCOMPARE(b.state, SessionState::Finished);
    QCOMPARE(b.rounds.size(), a.rounds.size());
    for (std::size_t i = 0; i < a.rounds.size(); ++i) {
        QCOMPARE(b.rounds[i].round, a.rounds[i].round);
        QVERIFY(exactlyEqual(b.rounds[i].testAccuracy, a.rounds[i].testAccuracy));
        QVERIFY(exactlyEqual(b.rounds[i].trainLoss, a.rounds[i].trainLoss));
        QCOMPARE(b.rounds[i].position, a.rounds[i].position);
    }
    QCOMPARE(b.epochs.size(), a.epochs.size());
    QCOMPARE(b.keptWeights, a.keptWeights);
    QVERIFY(masksOf(*resumed) == masksOf(straight));
    QVERIFY(sameTensors(savedParameters(*resumed, dir.filePath("b.pt")), savedParameters(straight, dir.filePath("a.pt"))));
    QCOMPARE(b.rollbackRounds, a.rollbackRounds);
}

void TestSessionResume::stoppedInsideAPhaseContinuesBitwise_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("optimizer");
    QTest::addColumn<QString>("phase"); // stop after this epoch of this phase and round
    QTest::addColumn<int>("round");
    QTest::addColumn<int>("epoch");
    QTest::newRow("pretraining, epoch 1 of 2") << "magnitude" << "sgd" << "pretrain" << 0 << 1;
    QTest::newRow("magnitude, round 2 epoch 1 of 2") << "magnitude" << "sgd" << "round" << 2 << 1;
    QTest::newRow("adam, round 2 epoch 1 of 2") << "magnitude" << "adam" << "round" << 2 << 1;
    QTest::newRow("imp (schedule from the rewind epoch), round 2") << "imp" << "sgd" << "round" << 2 << 2;
    QTest::newRow("gmp, in the middle of its pruning steps") << "gmp" << "sgd" << "finetune" << 1 << 2;
    QTest::newRow("espn-finetune, fine-tuning epoch 1") << "espn-finetune" << "sgd" << "finetune" << 1 << 1;
}

void TestSessionResume::stoppedInsideAPhaseContinuesBitwise()
{
    QFETCH(QString, method);
    QFETCH(QString, optimizer);
    QFETCH(QString, phase);
    QFETCH(int, round);
    QFETCH(int, epoch);
    QTemporaryDir dir;
    Recipe recipe = threeRounds(method.toStdString());
    recipe.roundEpochs = 2;
    recipe.train.optimizer = optimizer.toStdString();
    if (optimizer == "adam")
        recipe.train.lr = 0.001;
    if (method == "imp")
        recipe.roundEpochs = 3; // epochs 2 and 3 after rewinding to epoch 1: stopped between them
    if (method == "gmp") {
        recipe.rounds = 1;
        recipe.train.epochs = 4; // 4 optimizer steps per epoch; pruning steps 2, 4, ..., 12
        recipe.methodParams = {{"frequency", 2}, {"steps", 5}, {"start_step", 2}};
    } else if (method == "espn-finetune") {
        recipe.rounds = 1;
        recipe.methodParams = {{"max_mask_epochs", 2}};
    }
    Session straight(recipe);
    straight.run();

    Session session(recipe);
    SessionHooks hooks;
    hooks.onSnapshot = [&](const Snapshot& s) {
        for (const auto& e : s.epochs)
            if (e.phase == phase.toStdString() && e.round == round && e.epoch == epoch)
                session.stop();
    };
    QVERIFY_THROWS_EXCEPTION(Cancelled, session.run(hooks));
    const auto stoppedAt = session.snapshot();
    QCOMPARE(QString::fromStdString(stoppedAt.epochs.back().phase), phase);
    QCOMPARE(stoppedAt.epochs.back().epoch, epoch); // stopped right after that epoch: no work lost
    const std::string path = dir.filePath("session.h5").toStdString();
    session.saveSession(path);

    const auto resumed = Session::resume(path);
    QCOMPARE(resumed->snapshot().epochs.size(), stoppedAt.epochs.size());
    resumed->run();
    const auto a = straight.snapshot();
    const auto b = resumed->snapshot();
    QCOMPARE(b.state, SessionState::Finished);
    QCOMPARE(b.epochs.size(), a.epochs.size());
    for (std::size_t i = 0; i < a.epochs.size(); ++i) {
        QVERIFY(exactlyEqual(b.epochs[i].trainLoss, a.epochs[i].trainLoss));
        QVERIFY(exactlyEqual(b.epochs[i].lr, a.epochs[i].lr));
    }
    QCOMPARE(b.rounds.size(), a.rounds.size());
    QVERIFY(exactlyEqual(b.rounds.back().testAccuracy, a.rounds.back().testAccuracy));
    QVERIFY(exactlyEqual(b.rounds.back().bestTestAccuracy, a.rounds.back().bestTestAccuracy));
    QVERIFY(masksOf(*resumed) == masksOf(straight));
    QVERIFY(sameTensors(savedParameters(*resumed, dir.filePath("b.pt")), savedParameters(straight, dir.filePath("a.pt"))));
}

void TestSessionResume::steeringMadeAfterTheLastRoundIsKept()
{
    QTemporaryDir dir;
    const Recipe recipe = threeRounds("magnitude");
    Session session(recipe);
    SessionHooks hooks;
    std::atomic<bool> saved{false};
    std::string saveError;
    hooks.onSaved = [&](const SaveResult& result) {
        saveError = result.error;
        saved = true;
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
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.state == SessionState::Paused && s.rounds.size() == 1; }));
    SteeringChange change;
    change.targetSparsity = 0.95;
    session.steer(change);
    QVERIFY(waitFor(session, [](const Snapshot& s) { return s.targetSparsity == 0.95; }));
    const std::string path = dir.filePath("steered.h5").toStdString();
    session.requestSave({SaveKind::Session, path, false});
    QVERIFY(waitFor(session, [&](const Snapshot&) { return saved.load(); }));
    QCOMPARE(QString::fromStdString(saveError), QString());
    const Recipe steered = session.currentRecipe();
    session.stop();
    worker.join();

    // Replaying the steered recipe headless is the reference the resumed session must meet.
    Session replay(steered);
    replay.run();
    const auto resumed = Session::resume(path);
    QCOMPARE(resumed->effectiveRecipe().targetSparsity, 0.9); // the change applies from round 2
    QCOMPARE(resumed->currentRecipe().steering.size(), std::size_t(1));
    resumed->run();
    QCOMPARE(resumed->snapshot().rounds.back().targetSparsity, 0.95);
    QCOMPARE(resumed->snapshot().keptWeights, replay.snapshot().keptWeights);
    QVERIFY(sameTensors(savedParameters(*resumed, dir.filePath("b.pt")), savedParameters(replay, dir.filePath("a.pt"))));
    // The annotation of the change is not doubled by the replay of the steering.
    int annotations = 0;
    for (const auto& a : resumed->snapshot().annotations)
        annotations += QString::fromStdString(a.text).contains(QStringLiteral("target 95.00 %")) ? 1 : 0;
    QCOMPARE(annotations, 1);
}

void TestSessionResume::aSessionStoppedInPretrainingStartsOver()
{
    QTemporaryDir dir;
    Recipe recipe = threeRounds("magnitude");
    Session straight(recipe);
    straight.run();
    Session early(recipe);
    const std::string path = dir.filePath("early.h5").toStdString();
    early.saveSession(path); // nothing has run: the file holds the recipe alone
    const auto resumed = Session::resume(path);
    QCOMPARE(resumed->snapshot().rounds.size(), std::size_t(0));
    resumed->run();
    QVERIFY(sameTensors(savedParameters(*resumed, dir.filePath("b.pt")), savedParameters(straight, dir.filePath("a.pt"))));
}

void TestSessionResume::filesThatDoNotFitAreRefused()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("session.h5").toStdString();
    runAndStopAfter(threeRounds("magnitude"), 1, path);

    const std::string garbage = dir.filePath("garbage.h5").toStdString();
    std::ofstream(garbage) << "not hdf5 at all";
    QVERIFY(inputErrorOf([&] { Session::resume(garbage); }).contains(QStringLiteral("garbage.h5")));

    // A file cut short (a copy interrupted by a full disk) names the file.
    const std::string truncated = dir.filePath("truncated.h5").toStdString();
    std::filesystem::copy_file(path, truncated);
    std::filesystem::resize_file(truncated, std::filesystem::file_size(path) / 2);
    QVERIFY(inputErrorOf([&] { Session::resume(truncated); }).contains(QStringLiteral("truncated.h5")));

    // Another file of ours, not a session.
    Session other(threeRounds("magnitude"));
    const std::string masks = dir.filePath("masks.h5").toStdString();
    other.saveMasks(masks);
    QVERIFY(inputErrorOf([&] { Session::resume(masks); }).contains(QStringLiteral("not an Espalier session file")));

    // The recipe overridden to another model: the saved tensors do not fit it.
    const QString wrongModel = inputErrorOf([&] { Session::resume(path, {"model.name=lenet5"}); });
    QVERIFY2(wrongModel.contains(QStringLiteral("session.h5")) && wrongModel.contains(QStringLiteral("another model")),
             qPrintable(wrongModel));
}

void TestSessionResume::importedFilesNeedNotExistToResume()
{
    QTemporaryDir dir;
    Recipe base = threeRounds("magnitude");
    base.pretrain.epochs = 0;
    Session source(base);
    source.run();
    const std::string masks = dir.filePath("start.h5").toStdString();
    source.saveMasks(masks);

    Recipe recipe = threeRounds("magnitude");
    recipe.model.masks = masks; // continue from another session's masks
    Session straight(recipe);
    straight.run();
    const std::string path = dir.filePath("session.h5").toStdString();
    runAndStopAfter(recipe, 1, path);
    std::filesystem::remove(masks); // the state in session.h5 replaces it
    const auto resumed = Session::resume(path);
    QCOMPARE(resumed->currentRecipe().model.masks, masks); // still part of the replayable recipe
    resumed->run();
    QVERIFY(masksOf(*resumed) == masksOf(straight));
    QVERIFY(sameTensors(savedParameters(*resumed, dir.filePath("b.pt")), savedParameters(straight, dir.filePath("a.pt"))));
}

void TestSessionResume::aWriteThatFailsMidwayKeepsTheEarlierFile_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("session.h5") << int(SaveKind::Session);
    QTest::newRow("report.h5") << int(SaveKind::Report);
    QTest::newRow("model.pt") << int(SaveKind::Model);
    QTest::newRow("masks.h5") << int(SaveKind::Masks);
}

void TestSessionResume::aWriteThatFailsMidwayKeepsTheEarlierFile()
{
    QFETCH(int, kind);
    QTemporaryDir dir;
    Session session(threeRounds("magnitude"));
    session.run();
    const std::string path = dir.filePath("out.file").toStdString();
    const SaveRequest request{SaveKind(kind), path, true};
    session.save(request);
    const auto readAll = [&] {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string before = readAll();
    QVERIFY(before.size() > 20000);

    // A disk that fills up mid-write: the process may write no file past 16 KiB (EFBIG).
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit saved{};
    ::getrlimit(RLIMIT_FSIZE, &saved);
    rlimit small = saved;
    small.rlim_cur = 16 * 1024;
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
    QString message;
    try {
        session.save(request);
    } catch (const std::exception& e) {
        message = QString::fromStdString(e.what());
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
    QVERIFY(readAll() == before); // the earlier file is intact
    QVERIFY(QDir(dir.path()).entryList({QStringLiteral("*.tmp-*")}).isEmpty()); // no debris
}

void TestSessionResume::aFailedAutosaveWarnsAndTheSessionGoesOn()
{
    QTemporaryDir dir;
    const std::string notAFolder = dir.filePath("file").toStdString();
    std::ofstream(notAFolder) << "x";
    Session session(threeRounds("magnitude"));
    SessionHooks hooks;
    hooks.autosavePath = notAFolder + "/session.h5"; // every write fails (ENOTDIR)
    session.run(hooks);
    const auto s = session.snapshot();
    QCOMPARE(s.state, SessionState::Finished);
    QCOMPARE(s.rounds.size(), std::size_t(3));
    int warnings = 0;
    for (const auto& e : s.events)
        warnings += QString::fromStdString(e).contains(QStringLiteral("could not autosave")) ? 1 : 0;
    QCOMPARE(warnings, 4); // after pretraining and after each of the three rounds
}

ESPALIER_TEST_MAIN(TestSessionResume)

} // namespace tst_sessionresume

#include "tst_sessionresume.moc"
