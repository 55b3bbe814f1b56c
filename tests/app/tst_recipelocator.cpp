#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "app/gui/recipelocator.h"
#include "testregistry.h"

namespace tst_recipelocator {

using espalier::app::RecipeLocator;

class TestRecipeLocator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void explicitRecipeWinsEvenWhenMissing();
    void recipesFolderComesFirst();
    void missingFoldersAreSkipped();
    void installedAndSourcePathsAreSearched();
};

void TestRecipeLocator::init()
{
    qunsetenv("ESPALIER_RECIPE");
    qunsetenv("ESPALIER_RECIPES");
}

void TestRecipeLocator::explicitRecipeWinsEvenWhenMissing()
{
    qputenv("ESPALIER_RECIPE", "/nowhere/mine.json");
    QCOMPARE(RecipeLocator::defaultRecipePath(), QStringLiteral("/nowhere/mine.json"));
}

void TestRecipeLocator::recipesFolderComesFirst()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("default.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    qputenv("ESPALIER_RECIPES", QFile::encodeName(dir.path()));
    QCOMPARE(RecipeLocator::searchPaths().constFirst(), dir.filePath(QStringLiteral("default.json")));
    QCOMPARE(RecipeLocator::defaultRecipePath(), dir.filePath(QStringLiteral("default.json")));
}

void TestRecipeLocator::missingFoldersAreSkipped()
{
    QTemporaryDir dir; // holds no default.json
    qputenv("ESPALIER_RECIPES", QFile::encodeName(dir.path()));
    QVERIFY(RecipeLocator::defaultRecipePath() != dir.filePath(QStringLiteral("default.json")));
}

void TestRecipeLocator::installedAndSourcePathsAreSearched()
{
    const QStringList paths = RecipeLocator::searchPaths();
    QCOMPARE(paths.size(), 2);
    QCOMPARE(paths.at(0), QDir::cleanPath(QCoreApplication::applicationDirPath()
                                          + QStringLiteral("/../share/espalier/recipes/default.json")));
    QCOMPARE(paths.at(1), QStringLiteral(ESPALIER_SOURCE_RECIPES "/default.json"));
}

ESPALIER_TEST_MAIN(TestRecipeLocator)

} // namespace tst_recipelocator

#include "tst_recipelocator.moc"
