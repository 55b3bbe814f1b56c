#include <QCheckBox>
#include <QComboBox>
#include <QDropEvent>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "app/gui/newsessiondialog.h"
#include "espalier/core/recipe.h"
#include "testregistry.h"

namespace tst_newsessiondialog {

using espalier::app::NewSessionDialog;
namespace core = espalier::core;

namespace {

/// A recipe that validates and needs no files: the zoo model on synthetic data.
core::Recipe syntheticRecipe()
{
    core::Recipe recipe;
    recipe.data.name = "synthetic";
    recipe.data.root = "";
    return recipe;
}

/// Every input the form marks as invalid.
QList<QWidget*> markedFields(const NewSessionDialog& dialog)
{
    QList<QWidget*> marked;
    const auto widgets = dialog.findChildren<QWidget*>();
    for (QWidget* widget : widgets)
        if (widget->property(NewSessionDialog::kInvalidProperty).toBool())
            marked << widget;
    return marked;
}

void clickOk(NewSessionDialog& dialog)
{
    auto* ok = dialog.findChild<QPushButton*>(QStringLiteral("okButton"));
    QVERIFY(ok);
    QTest::mouseClick(ok, Qt::LeftButton);
}

/// Sends what a drag from a file manager sends: enter, then drop. True when both were accepted.
bool dragAndDrop(QWidget* target, const QMimeData& mime)
{
    const QPoint pos = target->rect().center();
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &drop);
    return enter.isAccepted() && drop.isAccepted();
}

bool writeFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write("x") == 1;
}

} // namespace

class TestNewSessionDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void setRecipeRoundTrips();
    void channelCutRoundTripsAndEnablesItsFields();
    void ownPretrainSettingsAreKept();
    void defaultsRoundTrip();
    void invalidValueKeepsDialogOpen_data();
    void invalidValueKeepsDialogOpen();
    void badParameterValueNamesIt();
    void choosingMethodFillsDefaults();
    void missingTorchScriptFileIsNamed();
    void missingDatasetFolderIsNamed();
    void droppingModelFileSelectsIt();
    void otherDropsAreIgnored();
    void validFormAccepts();
    void fixingTheFieldClearsTheMark();
};

void TestNewSessionDialog::setRecipeRoundTrips()
{
    core::Recipe r;
    r.model.name = "resnet32";
    r.model.widthMultiplier = 2.0;
    r.data.name = "cifar10";
    r.data.root = "/data/cifar-10-batches-bin";
    r.data.trainLimit = 5000;
    r.data.validation = 0.1;
    r.method = "espn-finetune";
    r.methodParams = {{"alpha", 1e-4}, {"tau", 0.02}, {"max_mask_epochs", 50}};
    r.targetSparsity = 0.95;
    r.rounds = 3;
    r.schedule = "linear";
    r.allocation = "layerwise";
    r.collapsePolicy = "clamp";
    r.exclude = {"fc.weight"};
    r.floors = {{"conv1.weight", 0.05}};
    r.train.epochs = 50;
    r.train.batch = 256;
    r.train.optimizer = "adam";
    r.train.lr = 1e-3;
    r.train.momentum = 0.8;
    r.train.nesterov = true;
    r.train.weightDecay = 5e-4;
    r.train.lrSchedule = {.type = "multistep", .step = 20, .gamma = 0.2, .milestones = {80, 120}};
    r.pretrain = r.train;
    r.pretrain.epochs = 5;
    r.roundEpochs = 2;
    r.scoring.samples = 300;
    r.seed = 18446744073709551615ULL;
    r.threads = 2;

    NewSessionDialog dialog;
    dialog.setRecipe(r);
    QCOMPARE(core::recipeToJson(dialog.recipe()), core::recipeToJson(r));
    QCOMPARE(dialog.findChild<QLineEdit*>(QStringLiteral("lrEdit"))->text(), QStringLiteral("0.001"));
}

void TestNewSessionDialog::channelCutRoundTripsAndEnablesItsFields()
{
    core::Recipe r;
    r.model.name = "lenet5-bn";
    r.method = "none";
    r.channels.method = "slimming";
    r.channels.fraction = 0.75;
    r.channels.allocation = "global";
    r.channels.roundTo = 8;
    r.channels.penalty = 1e-5;
    NewSessionDialog dialog;
    dialog.setRecipe(r);
    QCOMPARE(core::recipeToJson(dialog.recipe()), core::recipeToJson(r));
    auto* penalty = dialog.findChild<QWidget*>(QStringLiteral("channelPenaltySpin"));
    auto* fraction = dialog.findChild<QWidget*>(QStringLiteral("channelFractionSpin"));
    QVERIFY(penalty->isEnabled());
    if (const QString dir = qEnvironmentVariable("ESPALIER_SCREENSHOTS"); !dir.isEmpty()) {
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.grab().save(dir + QStringLiteral("/new-session-channels.png"));
    }

    auto* criterion = dialog.findChild<QComboBox*>(QStringLiteral("channelMethodCombo"));
    criterion->setCurrentIndex(criterion->findData(QStringLiteral("l1-filter")));
    QVERIFY(!penalty->isEnabled()); // the γ penalty is slimming's
    QVERIFY(fraction->isEnabled());
    QCOMPARE(dialog.recipe().channels.method, std::string("l1-filter"));
    criterion->setCurrentIndex(0); // no channel cut
    QVERIFY(!fraction->isEnabled());
    QVERIFY(!dialog.recipe().channels.enabled());
}

void TestNewSessionDialog::ownPretrainSettingsAreKept()
{
    core::Recipe r = syntheticRecipe();
    r.pretrain.epochs = 3;
    r.pretrain.lr = 0.1;
    NewSessionDialog dialog;
    dialog.setRecipe(r);
    dialog.findChild<QLineEdit*>(QStringLiteral("lrEdit"))->setText(QStringLiteral("0.05"));
    const core::Recipe out = dialog.recipe();
    QCOMPARE(out.train.lr, 0.05);
    QCOMPARE(out.pretrain.lr, 0.1); // the recipe's own pretraining settings, not train's
    QCOMPARE(out.pretrain.epochs, 3);
}

void TestNewSessionDialog::defaultsRoundTrip()
{
    NewSessionDialog dialog;
    QCOMPARE(core::recipeToJson(dialog.recipe()), core::recipeToJson(core::Recipe{}));
}

void TestNewSessionDialog::invalidValueKeepsDialogOpen_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("key");
    QTest::addRow("lr 0") << "lrEdit" << "0" << "train.lr";
    QTest::addRow("lr text") << "lrEdit" << "fast" << "train.lr";
    QTest::addRow("batch 0") << "batchSpin" << "0" << "train.batch";
    QTest::addRow("rounds 0") << "roundsSpin" << "0" << "rounds";
    QTest::addRow("momentum 1") << "momentumEdit" << "1" << "train.momentum";
    QTest::addRow("gamma 0") << "lrGammaEdit" << "0" << "train.lr_schedule.gamma";
    QTest::addRow("milestones") << "lrMilestonesEdit" << "80, 40" << "train.lr_schedule.milestones";
    QTest::addRow("target 100 percent") << "targetSparsitySpin" << "100" << "target_sparsity";
    QTest::addRow("validation 1") << "validationEdit" << "1" << "data.validation";
    QTest::addRow("train limit 0") << "trainLimitEdit" << "0" << "data.train_limit";
    QTest::addRow("width 0") << "widthMultiplierEdit" << "0" << "model.width_multiplier";
    QTest::addRow("seed empty") << "seedEdit" << "" << "seed";
}

void TestNewSessionDialog::invalidValueKeepsDialogOpen()
{
    QFETCH(QString, field);
    QFETCH(QString, typed);
    QFETCH(QString, key);
    NewSessionDialog dialog;
    dialog.setRecipe(syntheticRecipe());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    auto* input = dialog.findChild<QWidget*>(field);
    QVERIFY2(input, qPrintable(field));
    input->setFocus();
    QTest::keyClick(input, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(input, Qt::Key_Delete);
    QTest::keyClicks(input, typed);
    clickOk(dialog);

    QVERIFY(dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QCOMPARE(markedFields(dialog), QList<QWidget*>{input});
    auto* label = dialog.findChild<QLabel*>(QStringLiteral("errorLabel"));
    QVERIFY(label->isVisible());
    QVERIFY2(label->text().startsWith(key + QLatin1Char(' ')), qPrintable(label->text()));
    QCOMPARE(dialog.errorText(), label->text());
    QCOMPARE(dialog.focusWidget(), input);
}

void TestNewSessionDialog::badParameterValueNamesIt()
{
    core::Recipe r = syntheticRecipe();
    r.method = "grasp";
    r.methodParams = {{"samples_per_class", 10}, {"temperature", 200}};
    NewSessionDialog dialog;
    dialog.setRecipe(r);
    auto* table = dialog.findChild<QTableWidget*>(QStringLiteral("methodParamsTable"));
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(1, 0)->text(), QStringLiteral("temperature"));
    table->item(1, 1)->setText(QStringLiteral("hot"));
    QVERIFY(!dialog.validate());
    QCOMPARE(markedFields(dialog), QList<QWidget*>{table});
    QVERIFY2(dialog.errorText().startsWith(QLatin1String("method_params.temperature ")), qPrintable(dialog.errorText()));
    QVERIFY2(dialog.errorText().contains(QLatin1String("\"hot\"")), qPrintable(dialog.errorText()));
    QCOMPARE(table->currentRow(), 1);
}

void TestNewSessionDialog::choosingMethodFillsDefaults()
{
    NewSessionDialog dialog;
    dialog.findChild<QComboBox*>(QStringLiteral("methodCombo"))->setCurrentText(QStringLiteral("espn-finetune"));
    const core::Recipe r = dialog.recipe();
    QCOMPARE(r.method, std::string("espn-finetune"));
    QCOMPARE(r.methodParams.at("alpha"), 8e-5);
    QCOMPARE(r.methodParams.at("tau"), 0.01);
    QCOMPARE(r.methodParams.at("mask_lr"), 0.05);
    QCOMPARE(r.methodParams.at("max_mask_epochs"), 300.0);
    dialog.findChild<QComboBox*>(QStringLiteral("methodCombo"))->setCurrentText(QStringLiteral("magnitude"));
    QVERIFY(dialog.recipe().methodParams.empty());
}

void TestNewSessionDialog::missingTorchScriptFileIsNamed()
{
    core::Recipe r = syntheticRecipe();
    r.model.name = "/nowhere/net.pt";
    NewSessionDialog dialog;
    dialog.setRecipe(r);
    QVERIFY(dialog.findChild<QRadioButton*>(QStringLiteral("modelFileRadio"))->isChecked());
    dialog.show();
    clickOk(dialog);
    QVERIFY(dialog.isVisible());
    QCOMPARE(markedFields(dialog), QList<QWidget*>{dialog.findChild<QWidget*>(QStringLiteral("modelFileEdit"))});
    QVERIFY(dialog.errorText().startsWith(QLatin1String("model.name")));
    QVERIFY(dialog.errorText().contains(QLatin1String("/nowhere/net.pt")));
}

void TestNewSessionDialog::missingDatasetFolderIsNamed()
{
    core::Recipe r;
    r.data.name = "cifar10";
    r.data.root = "/nowhere/cifar10";
    NewSessionDialog dialog;
    dialog.setRecipe(r);
    QVERIFY(!dialog.validate());
    QCOMPARE(markedFields(dialog), QList<QWidget*>{dialog.findChild<QWidget*>(QStringLiteral("dataRootEdit"))});
    QVERIFY(dialog.errorText().startsWith(QLatin1String("data.root")));
    QVERIFY(dialog.errorText().contains(QLatin1String("/nowhere/cifar10")));
}

void TestNewSessionDialog::droppingModelFileSelectsIt()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("net.pt"));
    QVERIFY(writeFile(path));
    NewSessionDialog dialog;
    dialog.setRecipe(syntheticRecipe());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    mime.setText(path); // as file managers do: a line edit would paste it without the dialog's filter
    // Onto a text field of another section: the drop still selects the model.
    QVERIFY(dragAndDrop(dialog.findChild<QWidget*>(QStringLiteral("validationEdit")), mime));
    QVERIFY(dialog.findChild<QRadioButton*>(QStringLiteral("modelFileRadio"))->isChecked());
    QCOMPARE(dialog.findChild<QLineEdit*>(QStringLiteral("modelFileEdit"))->text(), path);
    QCOMPARE(dialog.findChild<QLineEdit*>(QStringLiteral("validationEdit"))->text(), QStringLiteral("0"));
    QCOMPARE(dialog.recipe().model.name, path.toStdString());
    QVERIFY(dialog.validate());

    // And onto the dialog itself.
    const QString other = dir.filePath(QStringLiteral("other.pth"));
    QVERIFY(writeFile(other));
    mime.setUrls({QUrl::fromLocalFile(other)});
    QVERIFY(dragAndDrop(&dialog, mime));
    QCOMPARE(dialog.recipe().model.name, other.toStdString());
}

void TestNewSessionDialog::otherDropsAreIgnored()
{
    NewSessionDialog dialog;
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(QStringLiteral("/tmp/notes.txt"))});
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    enter.ignore();
    QCoreApplication::sendEvent(&dialog, &enter);
    QVERIFY(!enter.isAccepted());
    QVERIFY(dialog.findChild<QRadioButton*>(QStringLiteral("modelZooRadio"))->isChecked());
}

void TestNewSessionDialog::validFormAccepts()
{
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("net.pt"));
    QVERIFY(writeFile(model));
    core::Recipe r;
    r.model.name = model.toStdString();
    r.data.name = "cifar10";
    r.data.root = dir.path().toStdString();
    NewSessionDialog dialog;
    dialog.setRecipe(r);
    dialog.show();
    clickOk(dialog);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(!dialog.isVisible());
    QVERIFY(dialog.errorText().isEmpty());
    QVERIFY(markedFields(dialog).isEmpty());
    QCOMPARE(core::recipeToJson(dialog.recipe()), core::recipeToJson(r));
}

void TestNewSessionDialog::fixingTheFieldClearsTheMark()
{
    NewSessionDialog dialog;
    dialog.setRecipe(syntheticRecipe());
    auto* batch = dialog.findChild<QSpinBox*>(QStringLiteral("batchSpin"));
    batch->setValue(0);
    QVERIFY(!dialog.validate());
    QCOMPARE(markedFields(dialog).size(), 1);
    batch->setValue(64);
    QVERIFY(dialog.validate());
    QVERIFY(markedFields(dialog).isEmpty());
    QVERIFY(dialog.errorText().isEmpty());
}

ESPALIER_TEST_MAIN(TestNewSessionDialog)

} // namespace tst_newsessiondialog

#include "tst_newsessiondialog.moc"
