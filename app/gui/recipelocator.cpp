#include "app/gui/recipelocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace espalier::app {

QStringList RecipeLocator::searchPaths()
{
    const QString fileName = QLatin1String(kFileName);
    QStringList paths;
    const QString recipesDir = qEnvironmentVariable("ESPALIER_RECIPES");
    if (!recipesDir.isEmpty())
        paths << QDir(recipesDir).filePath(fileName);
    paths << QDir::cleanPath(QCoreApplication::applicationDirPath()
                             + QStringLiteral("/../share/espalier/recipes/") + fileName);
#if defined(ESPALIER_SOURCE_RECIPES) && defined(ESPALIER_BUILD_DIR)
    // The source tree only for a program run from its build tree: an installed one never looks there.
    if (QDir::cleanPath(QCoreApplication::applicationDirPath()).startsWith(QStringLiteral(ESPALIER_BUILD_DIR)))
        paths << QDir(QStringLiteral(ESPALIER_SOURCE_RECIPES)).filePath(fileName);
#endif
    return paths;
}

QString RecipeLocator::defaultRecipePath()
{
    const QString explicitPath = qEnvironmentVariable("ESPALIER_RECIPE");
    if (!explicitPath.isEmpty())
        return explicitPath;
    for (const QString& path : searchPaths()) {
        if (QFileInfo(path).isFile())
            return path;
    }
    return {};
}

} // namespace espalier::app
