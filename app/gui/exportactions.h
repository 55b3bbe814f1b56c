#pragma once

#include <QObject>
#include <QString>

#include "espalier/core/saverequest.h"

class QMainWindow;
class QMenu;

namespace espalier::app {

class SessionController;

/// File ▸ Export: one action per file a session writes (report, model, masks, masks with scores,
/// sparse checkpoint, layer statistics, session).
/// Each asks for a path (a default name in the folder used last), hands the write to the session's
/// worker and shows the outcome: success in the window's status bar, a failure in a message box
/// naming the path and the reason. Enabled while a session is loaded. Lives in: GUI thread.
class ExportActions : public QObject {
    Q_OBJECT
public:
    ExportActions(SessionController* controller, QMainWindow* window);

    [[nodiscard]] QMenu* menu() const { return m_menu; }
    /// Asks the session to write `request` (no dialog); the outcome shows when it is written.
    void exportTo(const core::SaveRequest& request);
    /// Enables the actions when the controller has a loaded session.
    void updateEnabled();

Q_SIGNALS:
    /// An export ended: `message` is what the status bar or the message box said.
    void exported(const QString& message, bool ok);

private:
    void chooseAndExport(core::SaveKind kind, bool withScores, const QString& fileName, const QString& filter);
    void onSaved(const core::SaveResult& result);

    SessionController* m_controller;
    QMainWindow* m_window;
    QMenu* m_menu;
};

} // namespace espalier::app
