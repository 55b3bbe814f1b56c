#include "app/gui/whatifactions.h"

#include "app/gui/sessioncontroller.h"
#include "widgets/deploymentpanel.h"
#include "widgets/previewpanel.h"
#include "widgets/sensitivitypanel.h"

namespace espalier::app {
namespace {

// Timed forward passes per path and batch: enough for a stable median, short enough (well under a
// second for LeNets) that a running session barely notices the wait.
constexpr int kDeploymentRepeats = 20;

} // namespace

WhatIfActions::WhatIfActions(SessionController* controller, widgets::PreviewPanel* preview,
                             widgets::SensitivityPanel* sensitivity, widgets::DeploymentPanel* deployment,
                             QObject* parent)
    : QObject(parent)
{
    connect(preview, &widgets::PreviewPanel::previewRequested, this, [this, controller](const QString& method, double sparsity) {
        const QString error = controller->requestPreview(method, sparsity);
        if (error.isEmpty())
            Q_EMIT logMessage(tr("Previewing %1 at %2 %…").arg(method).arg(sparsity * 100.0, 0, 'f', 1), true);
        else
            Q_EMIT logMessage(tr("Preview refused: %1").arg(error), false);
    });
    connect(sensitivity, &widgets::SensitivityPanel::scanRequested, this,
            [this, controller](const core::SensitivitySettings& settings) {
                const QString error = controller->requestSensitivityScan(settings);
                if (!error.isEmpty())
                    Q_EMIT logMessage(tr("Sensitivity scan refused: %1").arg(error), false);
            });
    connect(deployment, &widgets::DeploymentPanel::measureRequested, this,
            [this, controller](const std::vector<std::int64_t>& batches) {
                const QString error = controller->requestDeploymentMeasurement(batches, kDeploymentRepeats);
                if (!error.isEmpty())
                    Q_EMIT logMessage(tr("Deployment measurement refused: %1").arg(error), false);
            });
    connect(sensitivity, &widgets::SensitivityPanel::cancelRequested, controller,
            &SessionController::cancelSensitivityScan);
    connect(sensitivity, &widgets::SensitivityPanel::floorsRequested, this,
            [this](const std::map<std::string, double>& floors) {
                if (floors.empty()) {
                    Q_EMIT logMessage(tr("Every layer stays within the drop at every scanned sparsity: no floors needed"),
                                      true);
                    return;
                }
                core::SteeringChange change;
                change.floors = floors;
                Q_EMIT steeringRequested(change);
                Q_EMIT logMessage(tr("Floors from the sensitivity scan requested for %1 layers").arg(floors.size()), true);
            });
}

} // namespace espalier::app
