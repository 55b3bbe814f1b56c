#pragma once

#include <QObject>
#include <QString>

#include "app/gui/snapshotptr.h"

namespace espalier::widgets {
class DensityChart;
class LayerTable;
class MaskInspector;
class SaliencyHistogramChart;
}

namespace espalier::app {

class SessionController;

/// The layer the user is looking at, kept in step across the layer table, the density chart, the
/// saliency histogram and the mask inspector. Asks the worker for the layer's tensors when the
/// selection changes and whenever a snapshot shows new masks or weights (a round, an epoch, a
/// rollback), one request at a time. While the session is paused it shows the next round's
/// threshold preview on the histogram (asked for once per pause). Lives in: GUI thread.
class LayerFocus : public QObject {
    Q_OBJECT
public:
    LayerFocus(SessionController* controller, widgets::LayerTable* table, widgets::DensityChart* densityChart,
               widgets::SaliencyHistogramChart* histogram, widgets::MaskInspector* inspector, QObject* parent);

    /// Selects `name` everywhere (an unknown name is ignored) and fetches its tensors.
    void select(const QString& name);
    [[nodiscard]] const QString& selected() const { return m_selected; }
    /// Follows a new snapshot: histogram of the selected layer, tensors again when they changed.
    void setSnapshot(const core::Snapshot& snapshot);
    /// The run ended: a request the session had queued will not be served; ask the idle worker.
    void sessionEnded();
    /// A new session: nothing selected, empty views.
    void clear();

Q_SIGNALS:
    void selectionChanged(const QString& name);

private:
    void request();
    void onTensors(const LayerTensorsPtr& tensors);

    SessionController* m_controller;
    widgets::LayerTable* m_table;
    widgets::SaliencyHistogramChart* m_histogram;
    widgets::MaskInspector* m_inspector;
    QString m_selected;
    QString m_requested;       // name of the request in flight (empty: none)
    bool m_stale = false;      // a change arrived while a request was in flight
    std::size_t m_epochs = 0;  // of the snapshot whose tensors are shown
    std::size_t m_rounds = 0;
    int m_branch = 0;
    bool m_wasPaused = false;
};

} // namespace espalier::app
