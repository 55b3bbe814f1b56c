// Sweeps: sweep files and cell planning, the shared dense pretraining (bit for bit the same as a
// cell pretraining itself), resumable sweep folders (finished cells skipped, a stopped cell
// continued), failed cells, and the summary (mean and sample spread over seeds) in CSV and HDF5.

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <QTemporaryDir>
#include <QtTest>

#include "espalier/core/errors.h"
#include "espalier/core/session.h"
#include "espalier/core/sweep.h"
#include "hdf5file.h"
#include "maskfile.h"
#include "sessiontesting.h"
#include "testregistry.h"
#include "torch_pch.h"

namespace tst_sweep {

using namespace espalier::core;
using espalier::core::testing::inputErrorOf;
using espalier::core::testing::sameTensors;
using espalier::core::testing::savedParameters;
using espalier::core::testing::syntheticRecipe;

namespace {

namespace fs = std::filesystem;

bool exactlyEqual(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::string write(const QTemporaryDir& dir, const std::string& name, const std::string& text)
{
    const auto path = (fs::path(dir.path().toStdString()) / name).string();
    std::ofstream(path) << text;
    return path;
}

std::string readText(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Two methods on the synthetic data, pretraining 1 epoch for magnitude, none for random.
std::string syntheticSweepJson(const std::string& extra = "")
{
    std::string recipe = recipeToJson(syntheticRecipe());
    Recipe scratch = syntheticRecipe();
    scratch.method = "random";
    scratch.pretrain.epochs = 0;
    scratch.train.epochs = 2;
    return R"({"sweep": {"name": "synthetic", "sparsities": [0.5, 0.9], "seeds": [0, 1], )" + extra +
           R"("methods": [{"recipe": )" + recipe + R"(}, {"label": "random-scratch", "recipe": )" +
           recipeToJson(scratch) + "}]}}";
}

std::vector<std::uint8_t> flatMasks(const std::string& path)
{
    std::vector<std::uint8_t> all;
    for (const auto& m : readMasksFile(path))
        all.insert(all.end(), m.mask.begin(), m.mask.end());
    return all;
}

} // namespace

class SweepTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plansCellsWithPerSparsityOverrides()
    {
        QTemporaryDir dir;
        Recipe espn = syntheticRecipe();
        espn.method = "espn-finetune";
        espn.methodParams = {{"alpha", 1e-4}, {"max_mask_epochs", 2}};
        const auto path = write(dir, "s.sweep.json",
                                R"({"sweep": {"sparsities": [0.9, 0.996], "seeds": [3], "methods": [{"recipe": )" +
                                    recipeToJson(espn) +
                                    R"(, "by_sparsity": {"0.996": {"method_params.alpha": 6e-4}}}]}})");
        const auto spec = loadSweepSpec(path, {"train.epochs=4"});
        QCOMPARE(spec.name, std::string("s.sweep"));
        const auto cells = planSweep(spec);
        QCOMPARE(cells.size(), std::size_t(2));
        QCOMPARE(cells[0].name, std::string("espn-finetune-90-seed3"));
        QCOMPARE(cells[1].name, std::string("espn-finetune-99.6-seed3"));
        QCOMPARE(cells[0].recipe.targetSparsity, 0.9);
        QCOMPARE(cells[1].recipe.seed, std::uint64_t(3));
        QCOMPARE(cells[0].recipe.methodParams.at("alpha"), 1e-4);
        QCOMPARE(cells[1].recipe.methodParams.at("alpha"), 6e-4);
        QCOMPARE(cells[1].recipe.train.epochs, 4); // --set applies to every cell
    }

    void plainRecipeSwapsInMethodsByName()
    {
        QTemporaryDir dir;
        Recipe espn = syntheticRecipe();
        espn.method = "espn-finetune";
        espn.methodParams = {{"alpha", 1e-4}};
        const auto path = write(dir, "espn.json", recipeToJson(espn));
        auto spec = loadSweepSpec(path);
        selectSweepCells(spec, {"espn-finetune", "snip"}, {0.5, 0.8}, {0, 1});
        const auto cells = planSweep(spec);
        QCOMPARE(cells.size(), std::size_t(8));
        QCOMPARE(cells[1].method, std::string("snip"));
        QCOMPARE(cells[1].recipe.method, std::string("snip"));
        QVERIFY(cells[1].recipe.methodParams.empty()); // ESPN's alpha means nothing to SNIP
        QCOMPARE(cells[0].recipe.methodParams.at("alpha"), 1e-4);
        QCOMPARE(cells[7].name, std::string("snip-80-seed1"));

        auto again = loadSweepSpec(path);
        QVERIFY(inputErrorOf([&] { selectSweepCells(again, {"snipp"}, {}, {}); }).contains("'snipp'"));
        QVERIFY(inputErrorOf([&] { selectSweepCells(again, {}, {1.0}, {}); }).contains("--sparsities"));
    }

    void badSweepFilesNameTheKey()
    {
        QTemporaryDir dir;
        const auto recipe = recipeToJson(syntheticRecipe());
        const auto unknown = write(dir, "a.json", R"({"sweep": {"sparsity": [0.9], "methods": []}})");
        QVERIFY(inputErrorOf([&] { loadSweepSpec(unknown); }).contains("sweep.sparsity"));
        const auto range = write(dir, "b.json", R"({"sweep": {"sparsities": [1.5], "methods": [{"recipe": )" +
                                                    recipe + "}]}}");
        QVERIFY(inputErrorOf([&] { loadSweepSpec(range); }).contains("not in (0, 1)"));
        const auto missing = write(dir, "c.json", R"({"sweep": {"sparsities": [0.5], "methods": [{"recipe": "nope.json"}]}})");
        QVERIFY(inputErrorOf([&] { loadSweepSpec(missing); }).contains("nope.json"));
        const auto badCell = write(dir, "d.json", R"({"sweep": {"sparsities": [0.5], "methods": [{"recipe": )" +
                                                      recipe + R"(, "set": {"train.epochs": -1}}]}})");
        QVERIFY(inputErrorOf([&] { loadSweepSpec(badCell); }).contains("train.epochs"));
    }

    void sharedPretrainingIsBitForBitTheCellsOwn()
    {
        QTemporaryDir dir;
        const std::string pretrained = dir.filePath("pretrained.h5").toStdString();
        Recipe magnitude = syntheticRecipe();
        Recipe random = syntheticRecipe();
        random.method = "random";
        random.targetSparsity = 0.7;
        QCOMPARE(firstRecipeDifference(pretrainingRecipe(magnitude), pretrainingRecipe(random)), std::string());
        {
            Session dense(pretrainingRecipe(magnitude));
            dense.pretrain();
            QCOMPARE(dense.snapshot().phase, std::string("pretrained"));
            QVERIFY(dense.snapshot().rounds.empty());
            dense.saveSession(pretrained);
        }
        for (const Recipe& recipe : {magnitude, random}) {
            Session alone(recipe);
            alone.run();
            auto shared = Session::afterPretraining(pretrained, recipe);
            shared->run();
            QVERIFY(sameTensors(savedParameters(alone, dir.filePath("a.pt")), savedParameters(*shared, dir.filePath("b.pt"))));
            const auto a = alone.snapshot();
            const auto b = shared->snapshot();
            QCOMPARE(b.epochs.size(), a.epochs.size()); // the pretraining epochs come along
            for (std::size_t i = 0; i < a.epochs.size(); ++i)
                QVERIFY(exactlyEqual(a.epochs[i].trainLoss, b.epochs[i].trainLoss));
            QVERIFY(exactlyEqual(a.rounds.back().testAccuracy, b.rounds.back().testAccuracy));
            QCOMPARE(shared->recipe().method, recipe.method);
        }
        Recipe longer = magnitude;
        longer.pretrain.epochs = 2;
        QVERIFY(inputErrorOf([&] { Session::afterPretraining(pretrained, longer); }).contains("pretrain.epochs"));
    }

    void sweepSummarisesSkipsFinishedCellsAndReopens()
    {
        QTemporaryDir dir;
        const auto spec = loadSweepSpec(write(dir, "s.json", syntheticSweepJson()));
        const std::string folder = dir.filePath("out").toStdString();
        SweepResults first;
        {
            SweepRunner runner(spec, folder);
            QCOMPARE(runner.cells().size(), std::size_t(8));
            first = runner.run();
        }
        QCOMPARE(first.finishedCells(), 8);
        QCOMPARE(first.points.size(), std::size_t(4));
        for (const auto& p : first.points) {
            std::vector<double> finals;
            for (const auto& c : first.cells)
                if (c.method == p.method && c.sparsity == p.sparsity)
                    finals.push_back(c.finalAccuracy);
            QCOMPARE(finals.size(), std::size_t(2));
            QCOMPARE(p.runs, 2);
            QCOMPARE(p.finalMean, (finals[0] + finals[1]) / 2);
            QCOMPARE(p.finalSpread, std::abs(finals[0] - finals[1]) / std::sqrt(2.0)); // sample std of two
        }
        // Magnitude cells pretrain once per seed; the random cells train from scratch.
        QCOMPARE(std::distance(fs::directory_iterator(folder + "/pretrained"), fs::directory_iterator{}), 2L);
        QCOMPARE(first.denseRuns, 2);
        QVERIFY(std::isnan(first.cells[1].denseAccuracy));
        QVERIFY(fs::exists(folder + "/cells/magnitude-90-seed1/report.h5"));
        QVERIFY(fs::exists(folder + "/cells/random-scratch-50-seed0/masks.h5"));

        const auto csv = readText(folder + "/summary.csv");
        QVERIFY(csv.rfind("method,sparsity,runs,final_mean,final_spread,", 0) == 0);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 5L);
        {
            auto file = h5::File::open(folder + "/summary.h5");
            const auto root = file.root();
            QCOMPARE(root.readColumn("points", "final_mean").size(), std::size_t(4));
            QCOMPARE(root.readColumn("points", "final_spread")[0], first.points[0].finalSpread);
            QCOMPARE(root.readStringColumn("cells", "status")[7], std::string("done"));
            QCOMPARE(root.readDouble("dense_test_accuracy"), first.denseAccuracy);
        }

        int started = 0;
        SweepHooks hooks;
        hooks.onCellChanged = [&](const SweepCellResult& c, const SweepResults&) {
            started += c.status == CellStatus::Running;
        };
        const auto again = SweepRunner(spec, folder).run(hooks);
        QCOMPARE(started, 0);
        // Cells run elsewhere and copied in count once summarised; nothing runs.
        auto wider = spec;
        wider.seeds = {0, 1, 2};
        const auto copied = SweepRunner(wider, folder).summarize();
        QCOMPARE(copied.cells.size(), std::size_t(12));
        QCOMPARE(copied.finishedCells(), 8);
        QCOMPARE(copied.cells[8].status, CellStatus::Pending);
        QCOMPARE(openSweepFolder(folder).cells.size(), std::size_t(12));
        SweepRunner(spec, folder).summarize();

        const auto reopened = openSweepFolder(folder);
        QCOMPARE(reopened.name, std::string("synthetic"));
        QCOMPARE(reopened.methods, (std::vector<std::string>{"magnitude", "random-scratch"}));
        for (const auto* results : {&again, &reopened}) {
            QCOMPARE(results->points.size(), first.points.size());
            for (std::size_t i = 0; i < first.points.size(); ++i)
                QVERIFY(exactlyEqual(results->points[i].finalMean, first.points[i].finalMean));
        }

        // The same folder with another training budget is refused, naming the cell and the key.
        auto changed = spec;
        changed.overrides = {"train.epochs=3"};
        const auto message = inputErrorOf([&] { SweepRunner(changed, folder); });
        QVERIFY2(message.contains("magnitude-50-seed0") && message.contains("train.epochs"), qPrintable(message));
        QVERIFY(inputErrorOf([&] { openSweepFolder(dir.path().toStdString()); }).contains("no sweep.json"));
    }

    void stoppedCellContinuesWhereItStopped()
    {
        QTemporaryDir dir;
        auto spec = loadSweepSpec(write(dir, "s.json", syntheticSweepJson()));
        selectSweepCells(spec, {}, {0.9}, {0});
        const std::string whole = dir.filePath("whole").toStdString();
        const auto uninterrupted = SweepRunner(spec, whole).run();

        const std::string folder = dir.filePath("stopped").toStdString();
        {
            SweepRunner runner(spec, folder);
            std::string running;
            SweepHooks hooks;
            hooks.maxSnapshotHz = 0; // every batch
            hooks.onCellChanged = [&](const SweepCellResult& c, const SweepResults&) {
                if (c.status == CellStatus::Running)
                    running = c.name;
            };
            hooks.onSnapshot = [&](const Snapshot& s) {
                // Inside the second training epoch of the second cell (the first one has finished).
                if (running == "random-scratch-90-seed0" && s.phase == "finetune" && s.epoch == 2 && s.batch >= 2)
                    runner.stop();
            };
            QVERIFY_THROWS_EXCEPTION(Cancelled, runner.run(hooks));
        }
        QVERIFY(fs::exists(folder + "/cells/random-scratch-90-seed0/session.h5"));
        QVERIFY(!fs::exists(folder + "/cells/random-scratch-90-seed0/result.json"));
        const auto partial = openSweepFolder(folder);
        QCOMPARE(partial.finishedCells(), 1);

        std::vector<std::string> logs;
        SweepHooks hooks;
        hooks.onLog = [&](const std::string& line) { logs.push_back(line); };
        const auto resumed = SweepRunner(spec, folder).run(hooks);
        QVERIFY(std::any_of(logs.begin(), logs.end(), [](const std::string& l) {
            return l.find("random-scratch-90-seed0: continuing from") != std::string::npos;
        }));
        QVERIFY(std::any_of(logs.begin(), logs.end(), [](const std::string& l) {
            return l.find("magnitude-90-seed0: finished earlier, skipped") != std::string::npos;
        }));
        for (std::size_t i = 0; i < resumed.cells.size(); ++i) {
            QCOMPARE(resumed.cells[i].status, CellStatus::Done);
            QVERIFY(exactlyEqual(resumed.cells[i].finalAccuracy, uninterrupted.cells[i].finalAccuracy));
            const auto name = "/cells/" + resumed.cells[i].name + "/masks.h5";
            QVERIFY(flatMasks(folder + name) == flatMasks(whole + name));
        }
    }

    void aFolderInUseIsRefused()
    {
        QTemporaryDir dir;
        auto spec = loadSweepSpec(write(dir, "s.json", syntheticSweepJson()));
        selectSweepCells(spec, {"random-scratch"}, {0.5}, {0});
        const std::string folder = dir.filePath("out").toStdString();
        SweepRunner first(spec, folder);
        QString refused;
        SweepHooks hooks;
        hooks.onCellChanged = [&](const SweepCellResult& c, const SweepResults&) {
            if (c.status == CellStatus::Running) // a second sweep into the folder while the first runs
                refused = inputErrorOf([&] { SweepRunner(spec, folder).run(); });
        };
        first.run(hooks);
        QVERIFY2(refused.contains("in use by another sweep"), qPrintable(refused));
        QCOMPARE(openSweepFolder(folder).finishedCells(), 1);
        SweepRunner(spec, folder).run(); // free again once the first has finished
    }

    void failedCellIsRecordedAndTheSweepGoesOn()
    {
        QTemporaryDir dir;
        auto spec = loadSweepSpec(write(dir, "s.json", syntheticSweepJson()));
        // Global magnitude keeping 27 of 266,200 weights empties a layer: "block" refuses the round.
        selectSweepCells(spec, {"magnitude"}, {0.5, 0.9999}, {0});
        const std::string folder = dir.filePath("out").toStdString();
        const auto results = SweepRunner(spec, folder).run();
        QCOMPARE(results.cells[0].status, CellStatus::Done);
        QCOMPARE(results.cells[1].status, CellStatus::Failed);
        QVERIFY2(QString::fromStdString(results.cells[1].error).contains("collapse"), results.cells[1].error.c_str());
        QCOMPARE(results.points.size(), std::size_t(1)); // failed cells stay out of the summary
        const auto reopened = openSweepFolder(folder);
        QCOMPARE(reopened.cells[1].status, CellStatus::Failed);
        QCOMPARE(reopened.cells[1].error, results.cells[1].error);
        // A rerun tries a failed cell again (the user may have fixed what failed).
        int started = 0;
        SweepHooks hooks;
        hooks.onCellChanged = [&](const SweepCellResult& c, const SweepResults&) {
            started += c.status == CellStatus::Running;
        };
        SweepRunner(spec, folder).run(hooks);
        QCOMPARE(started, 1);
    }
};

ESPALIER_TEST_MAIN(SweepTest)

} // namespace tst_sweep

#include "tst_sweep.moc"
