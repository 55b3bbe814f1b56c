#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "app/gui/pruningworker.h"
#include "testregistry.h"

namespace tst_pruningworker {

using espalier::app::PruningWorker;
using espalier::app::SnapshotPtr;
using espalier::core::Recipe;
using espalier::core::SessionState;

namespace {

/// The short real session of the brief: LeNet-300-100 on 256 synthetic samples, one epoch each.
Recipe syntheticRecipe()
{
    Recipe recipe;
    recipe.model.name = "lenet300";
    recipe.data.name = "synthetic";
    recipe.data.trainLimit = 256;
    recipe.method = "magnitude";
    recipe.targetSparsity = 0.9;
    recipe.pretrain.epochs = 1;
    recipe.train.epochs = 1;
    recipe.threads = 1;
    return recipe;
}

/// Re-emits the worker's signals in the test thread, so QSignalSpy never races the worker thread.
class Relay : public QObject {
    Q_OBJECT
public:
    explicit Relay(PruningWorker* worker)
    {
        connect(worker, &PruningWorker::snapshotReady, this, &Relay::snapshotReady);
        connect(worker, &PruningWorker::prepared, this, &Relay::prepared);
        connect(worker, &PruningWorker::finished, this, &Relay::finished);
        connect(worker, &PruningWorker::stopped, this, &Relay::stopped);
        connect(worker, &PruningWorker::failed, this, &Relay::failed);
        connect(this, &Relay::snapshotReady, this, [this](const SnapshotPtr& snapshot) { latest = snapshot; });
    }
    SnapshotPtr latest;
Q_SIGNALS:
    void snapshotReady(espalier::app::SnapshotPtr snapshot);
    void prepared();
    void finished();
    void stopped();
    void failed(const QString& message);
};

/// A worker on its own thread, shut down like the application does: stop → quit → wait.
struct WorkerThread {
    explicit WorkerThread(const Recipe& recipe) : worker(new PruningWorker(recipe)), relay(worker)
    {
        thread.setObjectName(QStringLiteral("espalier-worker"));
        worker->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        thread.start();
    }
    ~WorkerThread()
    {
        worker->stop();
        thread.quit();
        thread.wait();
    }
    QThread thread;
    PruningWorker* worker;
    Relay relay;
};

constexpr int kTimeoutMs = 120000;

} // namespace

class TestPruningWorker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runsARealSessionToTheEnd();
    void prepareShowsLayersBeforeRunning();
    void stopMidRunGivesStopped();
    void stopBeforeRunGivesStopped();
    void pauseAndResume();
    void badDataFolderFailsWithItsPath();
    void runAfterFailedPrepareReportsAgain();
    void errorMessageDropsTorchBacktrace();
};

void TestPruningWorker::runsARealSessionToTheEnd()
{
    WorkerThread w(syntheticRecipe());
    QSignalSpy finished(&w.relay, &Relay::finished);
    QSignalSpy failed(&w.relay, &Relay::failed);
    QSignalSpy snapshots(&w.relay, &Relay::snapshotReady);
    QMetaObject::invokeMethod(w.worker, &PruningWorker::run, Qt::QueuedConnection);

    QTRY_COMPARE_WITH_TIMEOUT(finished.count() + failed.count(), 1, kTimeoutMs);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
    QVERIFY(snapshots.count() >= 3);
    QVERIFY(w.relay.latest);
    const auto& last = *w.relay.latest;
    QCOMPARE(last.state, SessionState::Finished);
    QCOMPARE(last.layers.size(), std::size_t(3)); // fc1, fc2, fc3 weights
    QCOMPARE(last.epochs.size(), std::size_t(2)); // one pretraining, one fine-tuning epoch
    QCOMPARE(last.rounds.size(), std::size_t(1));
    QVERIFY2(qAbs(last.sparsity - 0.9) < 0.001, qPrintable(QString::number(last.sparsity)));
    QVERIFY(last.epochs.back().testAccuracy > 0.0 && last.epochs.back().testAccuracy <= 1.0);
}

void TestPruningWorker::prepareShowsLayersBeforeRunning()
{
    WorkerThread w(syntheticRecipe());
    QSignalSpy prepared(&w.relay, &Relay::prepared);
    QMetaObject::invokeMethod(w.worker, &PruningWorker::prepare, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(prepared.count(), 1, kTimeoutMs);
    QVERIFY(w.relay.latest);
    QCOMPARE(w.relay.latest->state, SessionState::Idle);
    QCOMPARE(w.relay.latest->layers.size(), std::size_t(3));
    QCOMPARE(w.relay.latest->prunableWeights, qint64(784 * 300 + 300 * 100 + 100 * 10));
    QCOMPARE(w.relay.latest->keptWeights, w.relay.latest->prunableWeights);
    QCOMPARE(w.relay.latest->sparsity, 0.0);

    // run() after prepare() reuses the loaded session.
    QSignalSpy finished(&w.relay, &Relay::finished);
    QMetaObject::invokeMethod(w.worker, &PruningWorker::run, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(prepared.count(), 1);
}

void TestPruningWorker::stopMidRunGivesStopped()
{
    Recipe recipe = syntheticRecipe();
    recipe.data.trainLimit.reset();
    recipe.pretrain.epochs = 20; // far longer than it takes to press Stop
    recipe.pretrain.batch = 32;
    WorkerThread w(recipe);
    QSignalSpy finished(&w.relay, &Relay::finished);
    QSignalSpy stopped(&w.relay, &Relay::stopped);
    QSignalSpy failed(&w.relay, &Relay::failed);
    QMetaObject::invokeMethod(w.worker, &PruningWorker::run, Qt::QueuedConnection);

    QTRY_VERIFY_WITH_TIMEOUT(w.relay.latest && w.relay.latest->state == SessionState::Running
                                 && w.relay.latest->batch > 0,
                             kTimeoutMs);
    w.worker->stop(); // from this (the GUI) thread, as the window does
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, kTimeoutMs);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(failed.count(), 0);
    QTRY_COMPARE(w.relay.latest->state, SessionState::Stopped);
    QVERIFY(w.relay.latest->epochs.size() < 20);
}

void TestPruningWorker::stopBeforeRunGivesStopped()
{
    WorkerThread w(syntheticRecipe());
    QSignalSpy stopped(&w.relay, &Relay::stopped);
    QSignalSpy finished(&w.relay, &Relay::finished);
    w.worker->stop();
    QMetaObject::invokeMethod(w.worker, &PruningWorker::run, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, kTimeoutMs);
    QCOMPARE(finished.count(), 0);
}

void TestPruningWorker::pauseAndResume()
{
    Recipe recipe = syntheticRecipe();
    recipe.pretrain.epochs = 3;
    WorkerThread w(recipe);
    QSignalSpy finished(&w.relay, &Relay::finished);
    w.worker->pause(); // before the session exists: applied when it does
    QMetaObject::invokeMethod(w.worker, &PruningWorker::run, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(w.relay.latest && w.relay.latest->state == SessionState::Paused, kTimeoutMs);
    QTest::qWait(200);
    QCOMPARE(w.relay.latest->state, SessionState::Paused); // still paused, nothing finished
    QCOMPARE(finished.count(), 0);
    w.worker->resume();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(w.relay.latest->epochs.size(), std::size_t(4));
}

void TestPruningWorker::badDataFolderFailsWithItsPath()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("no-such-mnist"));
    Recipe recipe = syntheticRecipe();
    recipe.data.name = "mnist";
    recipe.data.root = missing.toStdString();
    recipe.data.trainLimit.reset();
    WorkerThread w(recipe);
    QSignalSpy failed(&w.relay, &Relay::failed);
    QSignalSpy finished(&w.relay, &Relay::finished);
    QMetaObject::invokeMethod(w.worker, &PruningWorker::run, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    QCOMPARE(finished.count(), 0);
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(missing), qPrintable(message));

    // A failed worker stays failed: running it again reports instead of crashing.
    QMetaObject::invokeMethod(w.worker, &PruningWorker::run, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, kTimeoutMs);
}

void TestPruningWorker::runAfterFailedPrepareReportsAgain()
{
    Recipe recipe = syntheticRecipe();
    recipe.data.name = "mnist";
    recipe.data.root = "/nonexistent/espalier-test-data";
    WorkerThread w(recipe);
    QSignalSpy failed(&w.relay, &Relay::failed);
    QSignalSpy prepared(&w.relay, &Relay::prepared);
    QMetaObject::invokeMethod(w.worker, &PruningWorker::prepare, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    QMetaObject::invokeMethod(w.worker, &PruningWorker::run, Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, kTimeoutMs); // run() never ends silently
    QCOMPARE(failed.at(1).at(0).toString(), failed.at(0).at(0).toString());
    QCOMPARE(prepared.count(), 0);
}

void TestPruningWorker::errorMessageDropsTorchBacktrace()
{
    const std::runtime_error torchLike("mat1 and mat2 shapes cannot be multiplied (1x10 and 784x300)\n"
                                       "Exception raised from meta at ../aten/src/ATen/native/LinearAlgebra.cpp:1\n"
                                       "frame #0: c10::Error::Error(...)");
    QCOMPARE(espalier::app::errorMessage(torchLike),
             QStringLiteral("mat1 and mat2 shapes cannot be multiplied (1x10 and 784x300)"));
    QCOMPARE(espalier::app::errorMessage(std::runtime_error("plain")), QStringLiteral("plain"));
}

ESPALIER_TEST_MAIN(TestPruningWorker)

} // namespace tst_pruningworker

#include "tst_pruningworker.moc"
