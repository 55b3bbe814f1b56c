#include "widgets/runcontrols.h"

#include <QHBoxLayout>
#include <QKeySequence>
#include <QPushButton>
#include <QStyle>

namespace espalier::widgets {
namespace {

// Debugger keys (F5 run, F6 pause, F8 continue, F10 step, Shift+F5 stop): the session is debugged, in a way.
QPushButton* makeButton(QWidget* parent, const QString& objectName, const QString& text,
                        QStyle::StandardPixmap icon, const QString& toolTip, const QKeySequence& key)
{
    auto* button = new QPushButton(parent->style()->standardIcon(icon), text, parent);
    button->setObjectName(objectName);
    button->setShortcut(key);
    button->setToolTip(QStringLiteral("%1 (%2)").arg(toolTip, key.toString(QKeySequence::NativeText)));
    return button;
}

} // namespace

RunControls::RunControls(QWidget* parent)
    : QWidget(parent),
      m_start(makeButton(this, QStringLiteral("startButton"), tr("&Start"), QStyle::SP_MediaPlay,
                         tr("Load the model and data and run the recipe"), QKeySequence(Qt::Key_F5))),
      m_pause(makeButton(this, QStringLiteral("pauseButton"), tr("&Pause"), QStyle::SP_MediaPause,
                         tr("Pause after the current batch"), QKeySequence(Qt::Key_F6))),
      m_step(makeButton(this, QStringLiteral("stepButton"), tr("S&tep"), QStyle::SP_MediaSkipForward,
                        tr("Run to the end of the current round, then pause"), QKeySequence(Qt::Key_F10))),
      m_resume(makeButton(this, QStringLiteral("resumeButton"), tr("&Resume"), QStyle::SP_MediaPlay,
                          tr("Continue a paused session"), QKeySequence(Qt::Key_F8))),
      m_stop(makeButton(this, QStringLiteral("stopButton"), tr("St&op"), QStyle::SP_MediaStop,
                        tr("Stop the session after the current batch"), QKeySequence(Qt::SHIFT | Qt::Key_F5)))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QPushButton* button : {m_start, m_pause, m_step, m_resume, m_stop})
        layout->addWidget(button);

    connect(m_start, &QPushButton::clicked, this, &RunControls::startRequested);
    connect(m_pause, &QPushButton::clicked, this, &RunControls::pauseRequested);
    connect(m_step, &QPushButton::clicked, this, &RunControls::stepRequested);
    connect(m_resume, &QPushButton::clicked, this, &RunControls::resumeRequested);
    connect(m_stop, &QPushButton::clicked, this, &RunControls::stopRequested);
    updateButtons();
}

void RunControls::setState(core::SessionState state)
{
    m_state = state;
    updateButtons();
}

void RunControls::setCanStart(bool canStart)
{
    m_canStart = canStart;
    updateButtons();
}

void RunControls::updateButtons()
{
    using core::SessionState;
    const bool running = m_state == SessionState::Running;
    const bool paused = m_state == SessionState::Paused;
    m_start->setEnabled(m_canStart && !running && !paused);
    m_pause->setEnabled(running);
    m_step->setEnabled(running || paused);
    m_resume->setEnabled(paused);
    m_stop->setEnabled(running || paused);
}

} // namespace espalier::widgets
