#pragma once

#include <QObject>
#include <QString>

#include "espalier/core/sweep.h"

class QAction;
class QMainWindow;

namespace espalier::app {

class SweepWindow;

/// File ▸ New sweep… and File ▸ Open sweep…: the first asks for a sweep in a NewSweepDialog and
/// runs it in a SweepWindow of its own; the second shows a sweep folder read-only in one. The
/// windows belong to the main window and stop their sweeps when it closes. Lives in: GUI thread.
class SweepActions : public QObject {
    Q_OBJECT
public:
    explicit SweepActions(QMainWindow* window);

    [[nodiscard]] QAction* newSweepAction() const { return m_newSweep; }
    [[nodiscard]] QAction* openSweepAction() const { return m_openSweep; }

    /// Opens the New sweep dialog; OK runs the sweep in a new window.
    void newSweep();
    /// Runs `spec` into `folder` in a new, shown SweepWindow.
    SweepWindow* runSweep(const core::SweepSpec& spec, const QString& folder);
    /// Shows the sweep folder `folder` read-only; a folder that is not a sweep's goes to a message box.
    SweepWindow* openSweep(const QString& folder);
    /// The sweep file the dialog starts with: the first *.sweep.json next to the default recipe.
    [[nodiscard]] static QString defaultSweepFile();

Q_SIGNALS:
    /// For the main window's log; `ok` false for an error.
    void logMessage(const QString& message, bool ok);

private:
    QMainWindow* m_window;
    QAction* m_newSweep;
    QAction* m_openSweep;
};

} // namespace espalier::app
