#include "app/gui/recipedocument.h"

#include <QFileInfo>
#include <QObject>
#include <QSaveFile>

#include "espalier/core/errors.h"

namespace espalier::app {

void RecipeDocument::load(const QString& path)
{
    m_recipe = core::loadRecipeFile(QFile::encodeName(path).toStdString());
    m_path = QFileInfo(path).absoluteFilePath();
}

void RecipeDocument::saveAs(const QString& path)
{
    if (!m_recipe)
        throw core::InputError("there is no recipe to save");
    QSaveFile file(path);
    const QByteArray json = QByteArray::fromStdString(core::recipeToJson(*m_recipe) + "\n");
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit())
        throw core::InputError(QFile::encodeName(path).toStdString() + ": cannot write the recipe ("
                               + file.errorString().toStdString() + ")");
    m_path = QFileInfo(path).absoluteFilePath();
}

void RecipeDocument::setRecipe(const core::Recipe& recipe)
{
    m_recipe = recipe;
    m_path.clear();
}

QString RecipeDocument::displayName() const
{
    return m_path.isEmpty() ? QObject::tr("untitled") : QFileInfo(m_path).fileName();
}

} // namespace espalier::app
