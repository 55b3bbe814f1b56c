#pragma once

#include <QStringList>

class QMainWindow;

namespace espalier::app {

/// What the window remembers between runs (QSettings, per user): geometry and dock layout, the
/// recently opened recipes (newest first), the last recipe and the folder of the last exported or
/// opened report, model or masks file. Lives in: GUI thread.
class WindowSettings {
public:
    static constexpr int kMaxRecent = 8;

    /// Restores geometry and dock layout saved by save(); false when there was none.
    static bool restore(QMainWindow* window);
    static void save(const QMainWindow* window);

    [[nodiscard]] static QStringList recentRecipes();
    /// Moves `path` to the front of the recent list (absolute path; files that vanished are dropped)
    /// and makes it the last recipe.
    static void addRecentRecipe(const QString& path);
    [[nodiscard]] static QString lastRecipe();
    /// The folder of the last export or opened report (empty when none was used or it vanished).
    [[nodiscard]] static QString fileFolder();
    /// Where sessions are saved after every round: <app data>/sessions.
    [[nodiscard]] static QString sessionsFolder();
    /// Where sweeps started in the window write their folders: <app data>/sweeps.
    [[nodiscard]] static QString sweepsFolder();
    /// Remembers the folder of `path`, a file the user just chose.
    static void setFileFolder(const QString& path);
};

} // namespace espalier::app
