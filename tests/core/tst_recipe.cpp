// Recipe parsing: defaults, pretrain inheritance, data roots, overrides, errors that name the key,
// the JSON round trip, loading files, and the recipes committed under resources/recipes.

#include <cmath>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "espalier/core/errors.h"
#include "espalier/core/recipe.h"
#include "testregistry.h"

namespace tst_recipe {

using namespace espalier::core;

namespace {

std::vector<std::string> toStd(const QStringList& list)
{
    std::vector<std::string> out;
    for (const auto& s : list)
        out.push_back(s.toStdString());
    return out;
}

/// The InputError message of `f`, or "" when it does not throw InputError.
template <typename F> QString errorOf(F&& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

#define SAME(field) QVERIFY2(a.field == b.field, #field)

void compareTrain(const TrainSettings& a, const TrainSettings& b)
{
    SAME(epochs);
    SAME(batch);
    SAME(optimizer);
    SAME(lr);
    SAME(momentum);
    SAME(nesterov);
    SAME(weightDecay);
    SAME(lrSchedule.type);
    SAME(lrSchedule.step);
    SAME(lrSchedule.gamma);
    SAME(lrSchedule.milestones);
}

void compareRecipes(const Recipe& a, const Recipe& b)
{
    SAME(model.name);
    SAME(model.widthMultiplier);
    SAME(model.weights);
    SAME(model.masks);
    SAME(data.name);
    SAME(data.root);
    SAME(data.trainLimit);
    SAME(data.validation);
    SAME(method);
    SAME(methodParams);
    SAME(targetSparsity);
    SAME(rounds);
    SAME(schedule);
    SAME(allocation);
    SAME(collapsePolicy);
    SAME(exclude);
    SAME(locks);
    SAME(floors);
    SAME(floorWeights);
    SAME(steering);
    SAME(roundEpochs);
    SAME(scoring.samples);
    SAME(scoring.fileOrder);
    SAME(seed);
    SAME(threads);
    SAME(microBatches);
    compareTrain(a.pretrain, b.pretrain);
    if (QTest::currentTestFailed())
        return;
    compareTrain(a.train, b.train);
}

/// A recipe where every field differs from its default.
Recipe unusualRecipe()
{
    Recipe r;
    r.model = {"resnet32", 2.0, "/weights/pruned.pt", "/masks/masks.h5"};
    r.data = {"hdf5", "/data/my set/ü.h5", 5000, 0.1};
    r.method = "espn-finetune";
    r.methodParams = {{"alpha", 8e-5}, {"tau", 0.01}, {"max_mask_epochs", 300}};
    r.targetSparsity = 0.996;
    r.rounds = 7;
    r.schedule = "linear";
    r.allocation = "layerwise";
    r.collapsePolicy = "clamp";
    r.exclude = {"fc3.weight", "conv*"};
    r.locks = {"fc1.weight"};
    r.floors = {{"fc2.weight", 0.02}, {"layer1.0.conv1.weight", 1.0}};
    r.floorWeights = {{"fc3.weight", 100}};
    SteeringChange change;
    change.round = 3;
    change.targetSparsity = 0.99;
    change.method = "snip";
    change.methodParams = std::map<std::string, double>{{"samples", 50}};
    change.rounds = 9;
    change.schedule = "exponential";
    change.roundEpochs = 2;
    change.collapsePolicy = "allow";
    change.locks = {{"fc1.weight", true}, {"fc2.weight", false}};
    change.floors = {{"fc3.weight", 0.1}};
    SteeringChange later;
    later.round = 5;
    later.targetSparsity = 0.995;
    r.steering = {change, later};
    r.pretrain = {30, 64, "adam", 0.003, 0.5, false, 1e-5, {"cosine", 5, 0.5, {}}};
    r.train = {50, 256, "sgd", 0.1 + 0.2, 0.9, true, 5e-4, {"multistep", 3, 0.2, {10, 20, 45}}};
    r.roundEpochs = 4;
    r.scoring = {512, false};
    r.seed = std::numeric_limits<std::uint64_t>::max();
    r.threads = 2;
    r.microBatches = 3;
    return r;
}

} // namespace

class TestRecipe : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptyRecipeGivesDefaults()
    {
        const Recipe parsed = parseRecipe("{}", "empty.json");
        compareRecipes(parsed, Recipe{});
        QCOMPARE(parsed.pretrain.epochs, 0);
        QCOMPARE(parsed.data.root, std::string("/usr/share/datasets/fashion-mnist"));
        QVERIFY(!parsed.data.trainLimit);
    }

    void designExampleParses()
    {
        // The recipe in DESIGN.md, verbatim.
        const Recipe r = parseRecipe(R"({"model": {"name": "lenet300"},
 "data": {"name": "fashion-mnist", "root": "/usr/share/datasets/fashion-mnist",
          "train_limit": null, "validation": 0.0},
 "method": "espn-finetune",
 "method_params": {"alpha": 8e-5, "tau": 0.01, "mask_lr": 0.05, "max_mask_epochs": 300},
 "target_sparsity": 0.98, "rounds": 1, "schedule": "exponential", "allocation": "global",
 "collapse_policy": "block", "exclude": [], "locks": [], "floors": {},
 "pretrain": {"epochs": 30},
 "train": {"epochs": 50, "batch": 256, "optimizer": "sgd", "lr": 0.001, "momentum": 0.9,
           "weight_decay": 5e-4, "lr_schedule": {"type": "step", "step": 30, "gamma": 0.1}},
 "seed": 0, "threads": 2})",
                                     "design.json");
        QCOMPARE(r.method, std::string("espn-finetune"));
        QCOMPARE(r.methodParams.at("max_mask_epochs"), 300.0);
        QCOMPARE(r.pretrain.epochs, 30);
        QCOMPARE(r.pretrain.batch, 256);
        QCOMPARE(r.train.lrSchedule.type, std::string("step"));
        QCOMPARE(r.threads, 2);
    }

    void pretrainInheritsTrain()
    {
        const Recipe r = parseRecipe(R"({"train": {"epochs": 50, "batch": 64, "optimizer": "adam",
            "lr": 0.002, "momentum": 0.5, "weight_decay": 1e-4,
            "lr_schedule": {"type": "step", "step": 7, "gamma": 0.3}},
            "pretrain": {"epochs": 20, "lr_schedule": {"gamma": 0.5}}})",
                                     "inherit.json");
        QCOMPARE(r.pretrain.epochs, 20);
        QCOMPARE(r.pretrain.batch, 64);
        QCOMPARE(r.pretrain.optimizer, std::string("adam"));
        QCOMPARE(r.pretrain.lr, 0.002);
        QCOMPARE(r.pretrain.momentum, 0.5);
        QCOMPARE(r.pretrain.weightDecay, 1e-4);
        QCOMPARE(r.pretrain.lrSchedule.type, std::string("step"));
        QCOMPARE(r.pretrain.lrSchedule.step, 7);
        QCOMPARE(r.pretrain.lrSchedule.gamma, 0.5);
        QCOMPARE(r.train.lrSchedule.gamma, 0.3); // inheritance copies; it does not write back

        const Recipe noPretrain = parseRecipe(R"({"train": {"epochs": 50, "lr": 0.2}})", "x.json");
        QCOMPARE(noPretrain.pretrain.epochs, 0);
        QCOMPARE(noPretrain.pretrain.lr, 0.2);
    }

    void dataRootDefaults_data()
    {
        QTest::addColumn<QString>("data");
        QTest::addColumn<QString>("root");
        QTest::addRow("fashion-mnist") << R"({"name": "fashion-mnist"})" << "/usr/share/datasets/fashion-mnist";
        QTest::addRow("mnist") << R"({"name": "mnist"})" << "/usr/share/datasets/mnist";
        QTest::addRow("kmnist") << R"({"name": "kmnist"})" << "/usr/share/datasets/kmnist";
        QTest::addRow("cifar10") << R"({"name": "cifar10"})" << "";
        QTest::addRow("synthetic") << R"({"name": "synthetic"})" << "";
        QTest::addRow("explicit root") << R"({"name": "mnist", "root": "/tmp/m"})" << "/tmp/m";
        QTest::addRow("hdf5 file") << R"({"name": "hdf5", "root": "/tmp/d.h5"})" << "/tmp/d.h5";
        QTest::addRow("no name") << R"({"validation": 0.2})" << "/usr/share/datasets/fashion-mnist";
    }

    void dataRootDefaults()
    {
        QFETCH(QString, data);
        QFETCH(QString, root);
        const Recipe r = parseRecipe(R"({"data": )" + data.toStdString() + "}", "data.json");
        QCOMPARE(QString::fromStdString(r.data.root), root);
    }

    void overrides_data()
    {
        QTest::addColumn<QString>("recipe");
        QTest::addColumn<QStringList>("overrides");
        QTest::addColumn<QString>("pointer"); // JSON pointer into recipeToJson's output
        QTest::addColumn<QString>("expected"); // JSON text of the value there

        QTest::addRow("bare word") << "{}" << QStringList{"method=snip"} << "/method" << R"("snip")";
        QTest::addRow("number") << "{}" << QStringList{"train.lr=0.05"} << "/train/lr" << "0.05";
        QTest::addRow("over file value") << R"({"train": {"lr": 0.5, "batch": 32}})"
                                         << QStringList{"train.lr=0.05"} << "/train/batch" << "32";
        QTest::addRow("integer") << "{}" << QStringList{"rounds=5"} << "/rounds" << "5";
        QTest::addRow("bool") << "{}" << QStringList{"train.nesterov=true"} << "/train/nesterov" << "true";
        QTest::addRow("null") << R"({"data": {"train_limit": 10}})" << QStringList{"data.train_limit=null"}
                              << "/data/train_limit" << "null";
        QTest::addRow("limit") << "{}" << QStringList{"data.train_limit=1000"} << "/data/train_limit" << "1000";
        QTest::addRow("array") << "{}" << QStringList{R"(exclude=["fc3.weight"])"} << "/exclude"
                               << R"(["fc3.weight"])";
        QTest::addRow("object") << "{}" << QStringList{R"(floors={"a": 0.5})"} << "/floors" << R"({"a":0.5})";
        QTest::addRow("dotted layer floor") << "{}" << QStringList{"floors.layer1.0.conv1.weight=0.1"}
                                            << "/floors/layer1.0.conv1.weight" << "0.1";
        QTest::addRow("method param") << "{}" << QStringList{"method_params.alpha=8e-5"}
                                      << "/method_params/alpha" << "8e-05";
        QTest::addRow("deep") << "{}" << QStringList{"train.lr_schedule.milestones=[10,20]"}
                              << "/train/lr_schedule/milestones" << "[10,20]";
        QTest::addRow("pretrain") << "{}" << QStringList{"pretrain.epochs=3"} << "/pretrain/epochs" << "3";
        QTest::addRow("path string") << "{}" << QStringList{"data.name=hdf5", "data.root=/tmp/my data.h5"}
                                     << "/data/root" << R"("/tmp/my data.h5")";
        QTest::addRow("name picks root") << "{}" << QStringList{"data.name=mnist"} << "/data/root"
                                         << R"("/usr/share/datasets/mnist")";
        QTest::addRow("value with =") << "{}" << QStringList{"model.name=/m/a=b.pt"} << "/model/name"
                                      << R"("/m/a=b.pt")";
        QTest::addRow("later wins") << "{}" << QStringList{"seed=1", "seed=2"} << "/seed" << "2";
    }

    void overrides()
    {
        QFETCH(QString, recipe);
        QFETCH(QStringList, overrides);
        QFETCH(QString, pointer);
        QFETCH(QString, expected);
        const Recipe r = parseRecipe(recipe.toStdString(), "o.json", toStd(overrides));
        const auto written = nlohmann::json::parse(recipeToJson(r));
        const auto value = written.at(nlohmann::json::json_pointer(pointer.toStdString()));
        QCOMPARE(QString::fromStdString(value.dump()), expected);
    }

    void badRecipes_data()
    {
        QTest::addColumn<QString>("recipe");
        QTest::addColumn<QStringList>("overrides");
        QTest::addColumn<QStringList>("mustName"); // each must appear in the message

        auto bad = [](const char* name, const char* recipe, QStringList mustName, QStringList overrides = {}) {
            QTest::addRow("%s", name) << QString::fromUtf8(recipe) << overrides << mustName;
        };
        bad("malformed", "{\"rounds\": }", {"invalid JSON", "line 1, column 12"});
        bad("truncated", "{\"model\": {\"name\": \"x\"}", {"invalid JSON", "line 1"});
        bad("empty text", "", {"invalid JSON"});
        bad("not an object", "[1, 2]", {"JSON object"});
        bad("unknown top key", R"({"methd": "snip"})", {"methd", "unknown key", "method"});
        bad("unknown train key", R"({"train": {"lerning_rate": 0.1}})", {"train.lerning_rate", "lr"});
        bad("unknown schedule key", R"({"train": {"lr_schedule": {"gama": 0.1}}})",
            {"train.lr_schedule.gama"});
        bad("unknown pretrain key", R"({"pretrain": {"foo": 1}})", {"pretrain.foo"});
        bad("unknown model key", R"({"model": {"width": 2}})", {"model.width"});
        bad("unknown data key", R"({"data": {"limit": 5}})", {"data.limit"});
        bad("unknown scoring key", R"({"scoring": {"n": 5}})", {"scoring.n"});
        bad("model not object", R"({"model": "lenet5"})", {"model", "an object"});
        bad("model null", R"({"model": null})", {"model"});
        bad("empty model name", R"({"model": {"name": ""}})", {"model.name"});
        bad("width zero", R"({"model": {"width_multiplier": 0}})", {"model.width_multiplier", "> 0"});
        bad("sparsity one", R"({"target_sparsity": 1.0})", {"target_sparsity", "[0, 1)"});
        bad("sparsity negative", R"({"target_sparsity": -0.1})", {"target_sparsity", "[0, 1)"});
        bad("sparsity string", R"({"target_sparsity": "high"})", {"target_sparsity", "[0, 1)", "\"high\""});
        bad("rounds zero", R"({"rounds": 0})", {"rounds", ">= 1"});
        bad("rounds fraction", R"({"rounds": 1.5})", {"rounds", "integer"});
        bad("rounds huge", R"({"rounds": 1e12})", {"rounds", "integer"});
        bad("schedule", R"({"schedule": "cubic"})", {"schedule", "exponential, linear", "cubic"});
        bad("allocation", R"({"allocation": "local"})", {"allocation", "global, layerwise"});
        bad("collapse policy", R"({"collapse_policy": "ignore"})", {"collapse_policy", "block, clamp, allow, proceed"});
        bad("method", R"({"method": "obd"})", {"method", "magnitude", "espn-finetune", "slimming"});
        bad("method params", R"({"method_params": {"alpha": "big"}})", {"method_params.alpha", "number"});
        bad("method params array", R"({"method_params": [1]})", {"method_params"});
        bad("floor too big", R"({"floors": {"fc1.weight": 1.5}})", {"floors.fc1.weight", "[0, 1]"});
        bad("floor string", R"({"floors": {"fc1.weight": "x"}})", {"floors.fc1.weight"});
        bad("floor weights negative", R"({"floor_weights": {"fc3.weight": -2}})", {"floor_weights.fc3.weight", ">= 0"});
        bad("steering round missing", R"({"steering": [{"target_sparsity": 0.5}]})", {"steering[0].round", "missing"});
        bad("steering rounds backwards", R"({"steering": [{"round": 3}, {"round": 2}]})", {"steering[1].round"});
        bad("steering unknown key", R"({"steering": [{"round": 2, "tagret": 0.5}]})", {"steering[0].tagret", "unknown"});
        bad("steering bad target", R"({"steering": [{"round": 2, "target_sparsity": 1}]})",
            {"steering[0].target_sparsity", "[0, 1)"});
        bad("steering lock not bool", R"({"steering": [{"round": 2, "locks": {"fc1.weight": 1}}]})",
            {"steering[0].locks.fc1.weight", "true or false"});
        bad("floor weights fraction", R"({"floor_weights": {"fc3.weight": 0.5}})", {"floor_weights.fc3.weight"});
        bad("exclude not array", R"({"exclude": "fc1"})", {"exclude", "array"});
        bad("exclude element", R"({"exclude": ["fc1", 3]})", {"exclude[1]"});
        bad("locks empty name", R"({"locks": [""]})", {"locks[0]"});
        bad("optimizer", R"({"train": {"optimizer": "rmsprop"}})", {"train.optimizer", "sgd, adam"});
        bad("lr zero", R"({"train": {"lr": 0}})", {"train.lr", "> 0"});
        bad("lr negative", R"({"train": {"lr": -1}})", {"train.lr"});
        bad("momentum one", R"({"train": {"momentum": 1}})", {"train.momentum", "[0, 1)"});
        bad("nesterov type", R"({"train": {"nesterov": "yes"}})", {"train.nesterov", "true or false"});
        bad("nesterov no momentum", R"({"train": {"nesterov": true, "momentum": 0}})",
            {"train.nesterov", "momentum"});
        bad("weight decay", R"({"train": {"weight_decay": -1e-4}})", {"train.weight_decay", ">= 0"});
        bad("epochs", R"({"train": {"epochs": -1}})", {"train.epochs", ">= 0"});
        bad("batch", R"({"train": {"batch": 0}})", {"train.batch", ">= 1"});
        bad("pretrain lr", R"({"pretrain": {"lr": -1}})", {"pretrain.lr"});
        bad("train not object", R"({"train": 5})", {"train"});
        bad("lr schedule type", R"({"train": {"lr_schedule": {"type": "poly"}}})",
            {"train.lr_schedule.type", "none, step, multistep, cosine"});
        bad("milestones order", R"({"train": {"lr_schedule": {"milestones": [30, 20]}}})",
            {"train.lr_schedule.milestones", "increasing"});
        bad("milestones repeated", R"({"train": {"lr_schedule": {"milestones": [5, 5]}}})",
            {"train.lr_schedule.milestones"});
        bad("milestone type", R"({"train": {"lr_schedule": {"milestones": [5, "x"]}}})",
            {"train.lr_schedule.milestones[1]"});
        bad("step zero", R"({"train": {"lr_schedule": {"step": 0}}})", {"train.lr_schedule.step"});
        bad("gamma", R"({"train": {"lr_schedule": {"gamma": 0}}})", {"train.lr_schedule.gamma"});
        bad("round epochs", R"({"round_epochs": -2})", {"round_epochs"});
        bad("validation", R"({"data": {"validation": 1.0}})", {"data.validation", "[0, 1)"});
        bad("train limit zero", R"({"data": {"train_limit": 0}})", {"data.train_limit", "null or an integer"});
        bad("train limit string", R"({"data": {"train_limit": "all"}})", {"data.train_limit"});
        bad("dataset", R"({"data": {"name": "imagenet"}})", {"data.name", "cifar100", "synthetic"});
        bad("hdf5 without root", R"({"data": {"name": "hdf5"}})", {"data.root", ".h5"});
        bad("threads", R"({"threads": -1})", {"threads", ">= 0"});
        bad("micro_batches", R"({"micro_batches": 0})", {"micro_batches", ">= 1"});
        bad("samples", R"({"scoring": {"samples": 0}})", {"scoring.samples", ">= 1"});
        bad("file order", R"({"scoring": {"file_order": 1}})", {"scoring.file_order"});
        bad("seed negative", R"({"seed": -1})", {"seed", "non-negative integer"});
        bad("seed fraction", R"({"seed": 1.5})", {"seed"});
        bad("seed string", R"({"seed": "zero"})", {"seed"});
        // Overrides: the same errors, plus the override that caused them.
        bad("override unknown key", "{}", {"train.lerning_rate", "unknown key", "train.lerning_rate=0.1"},
            {"train.lerning_rate=0.1"});
        bad("override unknown section", "{}", {"trian", "unknown key", "trian.lr=0.1"}, {"trian.lr=0.1"});
        bad("override without =", "{}", {"override", "rounds", "key=value"}, {"rounds"});
        bad("override empty key", "{}", {"override", "=3"}, {"=3"});
        bad("override empty part", "{}", {"override", "train..lr=1"}, {"train..lr=1"});
        bad("override range", "{}", {"train.lr", "> 0", "train.lr=-1"}, {"train.lr=-1"});
        bad("override word for number", "{}", {"target_sparsity", "\"abc\""}, {"target_sparsity=abc"});
        bad("override through value", R"({"train": {"epochs": 5}})", {"train.epochs", "not an object"}, {"train.epochs.x=1"});
    }

    void badRecipes()
    {
        QFETCH(QString, recipe);
        QFETCH(QStringList, overrides);
        QFETCH(QStringList, mustName);
        const QString message =
            errorOf([&] { parseRecipe(recipe.toStdString(), "bad/recipe.json", toStd(overrides)); });
        QVERIFY2(!message.isEmpty(), "no InputError");
        QVERIFY2(message.startsWith(QLatin1String("bad/recipe.json: ")), qPrintable(message));
        for (const auto& part : mustName)
            QVERIFY2(message.contains(part), qPrintable(QStringLiteral("'%1' not in: %2").arg(part, message)));
    }

    void roundTrip()
    {
        for (const Recipe& original : {Recipe{}, unusualRecipe()}) {
            const std::string text = recipeToJson(original);
            const Recipe back = parseRecipe(text, "roundtrip.json");
            compareRecipes(back, original);
            if (QTest::currentTestFailed())
                qWarning("%s", text.c_str());
        }
        // A recipe where pretrain differs from train only in epochs still round-trips.
        Recipe r;
        r.pretrain.lr = 0.5;
        compareRecipes(parseRecipe(recipeToJson(r), "r.json"), r);
    }

    void jsonHasEveryKey()
    {
        const std::string text = recipeToJson(Recipe{});
        QVERIFY(text.find("\n  \"model\": {\n    \"name\"") != std::string::npos); // 2-space indent
        const auto j = nlohmann::json::parse(text);
        for (const char* key : {"model", "data", "method", "method_params", "target_sparsity", "rounds",
                                "schedule", "allocation", "collapse_policy", "exclude", "locks", "floors",
                                "floor_weights", "steering", "pretrain", "train", "round_epochs", "scoring", "seed", "threads",
                                "micro_batches"})
            QVERIFY2(j.contains(key), key);
        QVERIFY(j["data"].contains("train_limit"));
        QVERIFY(j["data"]["train_limit"].is_null());
        QVERIFY(j["method_params"].is_object());
        QVERIFY(j["floors"].is_object());
        QVERIFY(j["exclude"].is_array());
        QCOMPARE(j["train"]["lr_schedule"].size(), std::size_t(4));
        QCOMPARE(j["pretrain"].size(), std::size_t(8));
        QCOMPARE(j["scoring"]["file_order"].get<bool>(), true);
    }

    void validateStruct()
    {
        Recipe r;
        validateRecipe(r, "gui"); // defaults are valid

        r.train.lr = -1;
        QVERIFY(errorOf([&] { validateRecipe(r, "gui"); }).startsWith(QLatin1String("gui: train.lr")));
        r = {};
        r.data = {"hdf5", "", std::nullopt, 0.0};
        QVERIFY(errorOf([&] { validateRecipe(r, "gui"); }).contains(QLatin1String("data.root")));
        r = {};
        r.targetSparsity = std::nan("");
        QVERIFY(errorOf([&] { validateRecipe(r, "gui"); }).contains(QLatin1String("target_sparsity")));
        r = {};
        r.floors["fc1.weight"] = -0.1;
        QVERIFY(errorOf([&] { validateRecipe(r, "gui"); }).contains(QLatin1String("floors.fc1.weight")));
        r = {};
        r.data.trainLimit = 0;
        QVERIFY(errorOf([&] { validateRecipe(r, "gui"); }).contains(QLatin1String("data.train_limit")));
        r = {};
        r.data = {"synthetic", "", std::nullopt, 0.0};
        validateRecipe(r, "gui"); // synthetic ignores root
    }

    void loadFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("r.json")).toStdString();
        std::ofstream(path) << R"({"method": "random", "rounds": 3})";
        const Recipe r = loadRecipeFile(path, {"rounds=4"});
        QCOMPARE(r.method, std::string("random"));
        QCOMPARE(r.rounds, 4);

        const std::string missing = dir.filePath(QStringLiteral("nope.json")).toStdString();
        const QString noFile = errorOf([&] { loadRecipeFile(missing); });
        QVERIFY2(noFile.startsWith(QStringLiteral("cannot read recipe %1: ").arg(QString::fromStdString(missing))),
                 qPrintable(noFile));
        QVERIFY2(noFile.contains(QLatin1String("No such file")), qPrintable(noFile));
        QVERIFY(errorOf([&] { loadRecipeFile(dir.path().toStdString()); }).contains(QLatin1String("directory")));

        std::ofstream(path) << R"({"train": {"lr": 0.1,}})";
        const QString badJson = errorOf([&] { loadRecipeFile(path); });
        QVERIFY2(badJson.startsWith(QString::fromStdString(path) + QLatin1String(": invalid JSON")),
                 qPrintable(badJson));
        QVERIFY2(badJson.contains(QLatin1String("line 1, column")), qPrintable(badJson));
    }

    void committedRecipes()
    {
        const QString folder = qEnvironmentVariable("ESPALIER_RECIPES", QStringLiteral(ESPALIER_SOURCE_RECIPES));
        const QStringList files = QDir(folder).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        if (files.isEmpty())
            QSKIP("no recipes committed under resources/recipes yet");
        for (const auto& file : files) {
            const std::string path = QDir(folder).filePath(file).toStdString();
            const QString error = errorOf([&] {
                const Recipe r = loadRecipeFile(path);
                compareRecipes(parseRecipe(recipeToJson(r), path), r);
            });
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QVERIFY2(!QTest::currentTestFailed(), qPrintable(file));
        }
    }
};

ESPALIER_TEST_MAIN(TestRecipe)

} // namespace tst_recipe

#include "tst_recipe.moc"
