#include "app/gui/layerfocus.h"

#include "app/gui/sessioncontroller.h"
#include "widgets/densitychart.h"
#include "widgets/layertable.h"
#include "widgets/maskinspector.h"
#include "widgets/saliencyhistogram.h"

namespace espalier::app {

LayerFocus::LayerFocus(SessionController* controller, widgets::LayerTable* table, widgets::DensityChart* densityChart,
                       widgets::SaliencyHistogramChart* histogram, widgets::MaskInspector* inspector, QObject* parent)
    : QObject(parent), m_controller(controller), m_table(table), m_histogram(histogram), m_inspector(inspector)
{
    connect(table, &widgets::LayerTable::layerSelected, this, &LayerFocus::select);
    connect(densityChart, &widgets::DensityChart::layerClicked, this, &LayerFocus::select);
    connect(controller, &SessionController::layerTensorsReady, this, &LayerFocus::onTensors);
}

void LayerFocus::select(const QString& name)
{
    if (name.isEmpty() || name == m_selected)
        return;
    m_selected = name;
    m_table->selectLayer(name);
    m_histogram->clear();
    m_inspector->clear();
    request();
    Q_EMIT selectionChanged(name);
}

void LayerFocus::setSnapshot(const core::Snapshot& snapshot)
{
    if (m_selected.isEmpty() && !snapshot.layers.empty())
        select(QString::fromStdString(snapshot.layers.front().name)); // something to look at from the start
    const bool paused = snapshot.state == core::SessionState::Paused;
    if (paused && !m_wasPaused)
        m_controller->requestThresholdPreview();
    m_wasPaused = paused;
    for (std::size_t i = 0; i < snapshot.layers.size(); ++i) {
        if (QString::fromStdString(snapshot.layers[i].name) != m_selected)
            continue;
        m_histogram->setLayer(snapshot.layers[i]);
        const bool preview = paused && snapshot.previewRound > 0 && i < snapshot.previewThresholds.size();
        m_histogram->setPreviewThreshold(preview ? std::optional<double>(snapshot.previewThresholds[i]) : std::nullopt);
    }
    if (snapshot.epochs.size() != m_epochs || snapshot.rounds.size() != m_rounds || snapshot.branch != m_branch) {
        m_epochs = snapshot.epochs.size();
        m_rounds = snapshot.rounds.size();
        m_branch = snapshot.branch;
        request();
    }
}

void LayerFocus::sessionEnded()
{
    m_requested.clear();
    m_stale = false;
    request();
}

void LayerFocus::clear()
{
    m_selected.clear();
    m_requested.clear();
    m_stale = false;
    m_epochs = m_rounds = 0;
    m_branch = 0;
    m_histogram->clear();
    m_inspector->clear();
}

void LayerFocus::request()
{
    if (m_selected.isEmpty())
        return;
    if (!m_requested.isEmpty()) {
        m_stale = true; // one request at a time: a 2 M-weight copy per snapshot would swamp the worker
        return;
    }
    m_requested = m_selected;
    m_controller->requestLayerTensors(m_selected);
}

void LayerFocus::onTensors(const LayerTensorsPtr& tensors)
{
    m_requested.clear();
    if (tensors && QString::fromStdString(tensors->name) == m_selected)
        m_inspector->setLayer(*tensors);
    if (m_stale || (tensors && QString::fromStdString(tensors->name) != m_selected)) {
        m_stale = false;
        request();
    }
}

} // namespace espalier::app
