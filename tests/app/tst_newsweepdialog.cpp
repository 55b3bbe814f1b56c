#include <fstream>

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "../widgets/findchild.h"
#include "app/gui/newsweepdialog.h"
#include "app/gui/windowsettings.h"
#include "syntheticsession.h"
#include "testregistry.h"

namespace tst_newsweepdialog {

using espalier::app::NewSweepDialog;
using espalier::testing::child;

class TestNewSweepDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void aRecipeIsOneCellUntilTheListsWiden();
    void badListsAreRefusedWithTheField_data();
    void badListsAreRefusedWithTheField();
    void overridesReachEveryMethod();
    void aTypedFolderIsKept();

private:
    void type(const char* field, const QString& text);
    [[nodiscard]] QString summary() const { return child<QLabel>(*m_dialog, "summaryLabel")->text(); }
    [[nodiscard]] bool okEnabled() const { return child<QPushButton>(*m_dialog, "okButton")->isEnabled(); }

    QTemporaryDir m_dir;
    QString m_recipe;
    std::unique_ptr<NewSweepDialog> m_dialog;
};

void TestNewSweepDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_recipe = m_dir.filePath(QStringLiteral("tiny.json"));
    std::ofstream(m_recipe.toStdString()) << espalier::core::recipeToJson(espalier::testing::syntheticRecipe());
}

void TestNewSweepDialog::init()
{
    m_dialog = std::make_unique<NewSweepDialog>();
    m_dialog->setSweepFile(m_recipe);
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
}

void TestNewSweepDialog::cleanup() { m_dialog.reset(); }

void TestNewSweepDialog::type(const char* field, const QString& text)
{
    auto* edit = child<QLineEdit>(*m_dialog, field);
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    QTest::keyClicks(edit, text);
}

void TestNewSweepDialog::aRecipeIsOneCellUntilTheListsWiden()
{
    // A fresh folder for it under the sweeps folder.
    const QString folder = m_dialog->folder();
    QVERIFY2(folder.startsWith(espalier::app::WindowSettings::sweepsFolder() + QStringLiteral("/tiny-")),
             qPrintable(folder));
    QCOMPARE(summary(), QStringLiteral("tiny: 1 method × 1 sparsity × 1 seed = 1 cell"));
    QVERIFY(okEnabled());

    type("methodsEdit", QStringLiteral("magnitude, random"));
    type("sparsitiesEdit", QStringLiteral("0.5 0.9 0.98"));
    type("seedsEdit", QStringLiteral("0,1"));
    QCOMPARE(summary(), QStringLiteral("tiny: 2 methods × 3 sparsities × 2 seeds = 12 cells"));
    const auto spec = m_dialog->spec();
    QVERIFY(spec);
    QCOMPARE(spec->methods.size(), std::size_t(2));
    QCOMPARE(spec->methods[1].label, std::string("random"));
    QCOMPARE(spec->methods[1].recipe.method, std::string("random"));
    QCOMPARE(spec->sparsities, (std::vector<double>{0.5, 0.9, 0.98}));
    QCOMPARE(spec->seeds, (std::vector<std::uint64_t>{0, 1}));
}

void TestNewSweepDialog::badListsAreRefusedWithTheField_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::addRow("not a number") << "sparsitiesEdit" << "0.9,abc" << "Sparsities: “abc” is not a number";
    QTest::addRow("out of range") << "sparsitiesEdit" << "1.5" << "not in (0, 1)";
    QTest::addRow("negative seed") << "seedsEdit" << "-1" << "Seeds: “-1” is not a number";
    QTest::addRow("unknown method") << "methodsEdit" << "pruneall" << "'pruneall' is neither a method";
    QTest::addRow("bad override") << "overridesEdit" << "train.epochs=-3" << "train.epochs";
}

void TestNewSweepDialog::badListsAreRefusedWithTheField()
{
    QFETCH(QString, field);
    QFETCH(QString, text);
    QFETCH(QString, message);
    type(field.toLatin1().constData(), text);
    QVERIFY2(summary().contains(message), qPrintable(summary()));
    QCOMPARE(m_dialog->errorText(), summary());
    QVERIFY(!okEnabled());
    m_dialog->accept(); // Enter on the form: the dialog stays open
    QVERIFY(m_dialog->isVisible());
    QCOMPARE(m_dialog->result(), int(QDialog::Rejected));

    type(field.toLatin1().constData(), QString());
    QVERIFY(okEnabled());
}

void TestNewSweepDialog::overridesReachEveryMethod()
{
    type("methodsEdit", QStringLiteral("magnitude,snip"));
    type("overridesEdit", QStringLiteral("train.epochs=3 pretrain.epochs=2"));
    const auto spec = m_dialog->spec();
    QVERIFY2(spec, qPrintable(m_dialog->errorText()));
    for (const auto& method : spec->methods) {
        QCOMPARE(method.recipe.train.epochs, 3);
        QCOMPARE(method.recipe.pretrain.epochs, 2);
    }
    QCOMPARE(spec->overrides, (std::vector<std::string>{"train.epochs=3", "pretrain.epochs=2"}));
}

void TestNewSweepDialog::aTypedFolderIsKept()
{
    type("folderEdit", m_dir.filePath(QStringLiteral("mine")));
    m_dialog->setSweepFile(m_recipe);
    QCOMPARE(m_dialog->folder(), m_dir.filePath(QStringLiteral("mine")));
    type("folderEdit", QString());
    QVERIFY(!okEnabled());
    QCOMPARE(summary(), QStringLiteral("Choose the folder the sweep writes"));
}

ESPALIER_TEST_MAIN(TestNewSweepDialog)

} // namespace tst_newsweepdialog

#include "tst_newsweepdialog.moc"
