#pragma once

#include <QWidget>

#include "espalier/core/snapshot.h"

class QPushButton;

namespace espalier::widgets {

/// Start, Pause, Step, Resume and Stop, enabled according to the session state:
/// Idle/Finished/Stopped/Failed → Start; Running → Pause, Step, Stop; Paused → Step, Resume, Stop.
/// Buttons are named startButton, pauseButton, stepButton, resumeButton, stopButton.
/// Lives in: GUI thread.
class RunControls : public QWidget {
    Q_OBJECT
public:
    explicit RunControls(QWidget* parent = nullptr);

    void setState(core::SessionState state);
    [[nodiscard]] core::SessionState state() const { return m_state; }
    /// Start also needs something to run (a recipe); false disables it in every state.
    void setCanStart(bool canStart);

    [[nodiscard]] QPushButton* startButton() const { return m_start; }
    [[nodiscard]] QPushButton* pauseButton() const { return m_pause; }
    [[nodiscard]] QPushButton* stepButton() const { return m_step; }
    [[nodiscard]] QPushButton* resumeButton() const { return m_resume; }
    [[nodiscard]] QPushButton* stopButton() const { return m_stop; }

Q_SIGNALS:
    void startRequested();
    void pauseRequested();
    void stepRequested();
    void resumeRequested();
    void stopRequested();

private:
    void updateButtons();

    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_step;
    QPushButton* m_resume;
    QPushButton* m_stop;
    core::SessionState m_state = core::SessionState::Idle;
    bool m_canStart = true;
};

} // namespace espalier::widgets
