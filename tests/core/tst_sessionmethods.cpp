// Methods that change the session's flow: IMP with rewinding, gradual magnitude pruning (GMP) and
// ESPN's recipe checks, end to end on synthetic data.

#include <QTemporaryDir>
#include <QtTest>

#include "espalier/core/errors.h"
#include "espalier/core/session.h"
#include "methodparams.h"
#include "testregistry.h"
#include "torch_pch.h"

namespace tst_sessionmethods {

using namespace espalier::core;

namespace {

Recipe syntheticRecipe(const std::string& method)
{
    Recipe r;
    r.model.name = "lenet300";
    r.data.name = "synthetic";
    r.data.root = "";
    r.data.trainLimit = 512;
    r.method = method;
    r.targetSparsity = 0.9;
    r.pretrain.epochs = 2;
    r.pretrain.lr = 0.05;
    r.train.epochs = 0;
    r.train.batch = 64;
    r.train.lr = 0.05;
    r.threads = 1;
    return r;
}

std::map<std::string, torch::Tensor> savedParameters(const Session& session, const QString& path)
{
    session.saveModel(path.toStdString());
    std::map<std::string, torch::Tensor> params;
    for (const auto& p : torch::jit::load(path.toStdString()).named_parameters())
        params[p.name] = p.value.detach().clone();
    return params;
}

} // namespace

class TestSessionMethods : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void impRewindsSurvivorsToInitialisation();
    void impRewindEpochMustBeWithinPretraining();
    void gmpFollowsTheCubicScheduleAndMasksOnlyGrow();
    void gmpScheduleBeyondTrainingIsAnError();
    void gmpSparsityFormula();
    void espnRecipeChecks();
};

void TestSessionMethods::impRewindsSurvivorsToInitialisation()
{
    QTemporaryDir dir;
    auto r = syntheticRecipe("imp");
    r.methodParams["rewind_epoch"] = 0;
    Session imp(r);
    imp.run();
    auto pruned = savedParameters(imp, dir.path() + "/imp.pt");

    auto init = syntheticRecipe("magnitude");
    init.pretrain.epochs = 0;
    init.targetSparsity = 0.0;
    Session untouched(init);
    untouched.run();
    auto initial = savedParameters(untouched, dir.path() + "/init.pt");

    for (const auto& [name, value] : pruned) {
        const auto& start = initial.at(name);
        const auto kept = value.ne(0);
        QVERIFY2(torch::equal(value.masked_select(kept), start.masked_select(kept)), name.c_str());
    }
    QCOMPARE(imp.snapshot().keptWeights, int64_t(26620));
}

void TestSessionMethods::impRewindEpochMustBeWithinPretraining()
{
    auto r = syntheticRecipe("imp");
    r.methodParams["rewind_epoch"] = 5;
    QVERIFY_THROWS_EXCEPTION(InputError, Session{r});
    r.methodParams = {{"rewind_iteration", 1}};
    QVERIFY_THROWS_EXCEPTION(InputError, Session{r});
}

void TestSessionMethods::gmpFollowsTheCubicScheduleAndMasksOnlyGrow()
{
    auto r = syntheticRecipe("gmp");
    r.train.epochs = 4; // 8 steps per epoch
    r.allocation = "layerwise";
    r.methodParams = {{"frequency", 3}, {"steps", 6}, {"start_step", 2}};
    Session session(r);
    std::vector<double> sparsities;
    SessionHooks hooks;
    hooks.maxSnapshotHz = 0; // every snapshot
    hooks.onSnapshot = [&](const Snapshot& s) { sparsities.push_back(s.sparsity); };
    session.run(hooks);
    for (size_t i = 1; i < sparsities.size(); ++i)
        QVERIFY(sparsities[i] >= sparsities[i - 1]);
    const auto s = session.snapshot();
    QCOMPARE(s.keptWeights, int64_t(26620));
    for (const auto& layer : s.layers)
        QCOMPARE(layer.kept, layer.numel / 10);
    QVERIFY(s.rounds.at(0).testAccuracy > 0.5);
}

void TestSessionMethods::gmpScheduleBeyondTrainingIsAnError()
{
    auto r = syntheticRecipe("gmp");
    r.train.epochs = 1;
    r.methodParams = {{"frequency", 100}, {"steps", 10}};
    Session session(r);
    try {
        session.run();
        QFAIL("a schedule longer than training must be rejected");
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains("method_params"), e.what());
    }
}

void TestSessionMethods::gmpSparsityFormula()
{
    GmpSettings s;
    s.initialSparsity = 0.0;
    QCOMPARE(gmpSparsity(s, 0.9, 0, 4), 0.0);
    QCOMPARE(gmpSparsity(s, 0.9, 4, 4), 0.9);
    QVERIFY(qFuzzyCompare(gmpSparsity(s, 0.9, 2, 4), 0.9 - 0.9 * 0.125)); // cubic: fast early
}

void TestSessionMethods::espnRecipeChecks()
{
    auto r = syntheticRecipe("espn-finetune");
    r.rounds = 2;
    QVERIFY_THROWS_EXCEPTION(InputError, Session{r});
    r.rounds = 1;
    r.methodParams = {{"alpah", 1e-4}};
    try {
        Session session(r);
        QFAIL("unknown method_params must be rejected");
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains("method_params.alpah"), e.what());
    }
    r.methodParams = {{"alpha", 1e-4}, {"max_mask_epochs", 2}, {"batch", 64}};
    Session session(r);
    session.run();
    const auto s = session.snapshot();
    QCOMPARE(s.keptWeights, int64_t(26620));
    int maskEpochs = 0;
    for (const auto& e : s.epochs)
        maskEpochs += e.phase == "mask" ? 1 : 0;
    QVERIFY(maskEpochs >= 1 && maskEpochs <= 2);
}

ESPALIER_TEST_MAIN(TestSessionMethods)

} // namespace tst_sessionmethods

#include "tst_sessionmethods.moc"
