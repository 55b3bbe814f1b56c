#include "app/gui/windowsettings.h"

#include <QFileInfo>
#include <QMainWindow>
#include <QSettings>
#include <QStandardPaths>

namespace espalier::app {

namespace {

// Bump when the dock layout changes incompatibly: restoreState() then ignores an old layout.
constexpr int kStateVersion = 2;

} // namespace

bool WindowSettings::restore(QMainWindow* window)
{
    const QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    const QByteArray state = settings.value(QStringLiteral("window/state")).toByteArray();
    if (geometry.isEmpty())
        return false;
    window->restoreGeometry(geometry);
    window->restoreState(state, kStateVersion);
    return true;
}

void WindowSettings::save(const QMainWindow* window)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), window->saveGeometry());
    settings.setValue(QStringLiteral("window/state"), window->saveState(kStateVersion));
}

QStringList WindowSettings::recentRecipes()
{
    QStringList recent;
    for (const QString& path : QSettings().value(QStringLiteral("recent/recipes")).toStringList())
        if (QFileInfo::exists(path))
            recent.append(path);
    return recent;
}

void WindowSettings::addRecentRecipe(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList recent = recentRecipes();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings settings;
    settings.setValue(QStringLiteral("recent/recipes"), recent);
    settings.setValue(QStringLiteral("recent/last"), absolute);
}

QString WindowSettings::lastRecipe()
{
    const QString last = QSettings().value(QStringLiteral("recent/last")).toString();
    return QFileInfo::exists(last) ? last : QString();
}

QString WindowSettings::sessionsFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/sessions");
}

QString WindowSettings::sweepsFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/sweeps");
}

QString WindowSettings::fileFolder()
{
    const QString folder = QSettings().value(QStringLiteral("files/folder")).toString();
    return QFileInfo(folder).isDir() ? folder : QString();
}

void WindowSettings::setFileFolder(const QString& path)
{
    QSettings().setValue(QStringLiteral("files/folder"), QFileInfo(path).absolutePath());
}

} // namespace espalier::app
