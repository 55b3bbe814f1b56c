#pragma once

#include <QObject>
#include <QString>

#include "espalier/core/steering.h"

namespace espalier::widgets {
class PreviewPanel;
class SensitivityPanel;
class DeploymentPanel;
} // namespace espalier::widgets

namespace espalier::app {

class SessionController;

/// Hands the what-if panels' requests to the session: previews, sensitivity scans and deployment
/// measurements (which change nothing), and the floors a scan suggests (which go through steering
/// like any other change).
/// Lives in: GUI thread.
class WhatIfActions : public QObject {
    Q_OBJECT
public:
    WhatIfActions(SessionController* controller, widgets::PreviewPanel* preview, widgets::SensitivityPanel* sensitivity,
                  widgets::DeploymentPanel* deployment, QObject* parent = nullptr);

Q_SIGNALS:
    /// For the main window's log; `ok` false for a refusal.
    void logMessage(const QString& message, bool ok);
    /// Floors from a scan, to be applied like a steering change from the panels.
    void steeringRequested(const core::SteeringChange& change);
};

} // namespace espalier::app
