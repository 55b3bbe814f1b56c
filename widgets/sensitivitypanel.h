#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <QWidget>

#include "espalier/core/sensitivity.h"
#include "espalier/core/snapshot.h"

class QComboBox;
class QCPColorMap;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace espalier::widgets {

/// The per-layer sensitivity scan: settings and Scan/Cancel on top, the heatmap (layers ×
/// sparsity, colour = accuracy drop in points, each cell labelled with its accuracy) in the middle,
/// and "Set floors" below, which turns the table into per-layer floors that keep every layer within
/// the chosen drop. Widgets: sensitivityMethodCombo, sensitivitySparsitiesEdit, scanButton,
/// cancelScanButton, scanProgress, sensitivityPlot, maxDropSpin, setFloorsButton, scanStatusLabel.
/// Lives in: GUI thread.
class SensitivityPanel : public QWidget {
    Q_OBJECT
public:
    explicit SensitivityPanel(QWidget* parent = nullptr);

    /// Progress and the latest table of the session; cheap when nothing changed.
    void setState(const core::SensitivityState& state);
    /// Scans need a running or paused session.
    void setAvailable(bool available);
    /// The sparsities typed in percent, as fractions; nullopt (and the field marked) when unreadable.
    [[nodiscard]] std::optional<std::vector<double>> sparsities() const;
    [[nodiscard]] QCustomPlot* plot() const { return m_plot; }
    [[nodiscard]] QCPColorMap* heatmap() const { return m_map; }
    /// The floors "Set floors" would emit now (empty without a table).
    [[nodiscard]] std::map<std::string, double> floors() const;

Q_SIGNALS:
    void scanRequested(const core::SensitivitySettings& settings);
    void cancelRequested();
    void floorsRequested(const std::map<std::string, double>& floors);

private:
    void requestScan();
    void drawTable();
    void updateButtons();

    QComboBox* m_method;
    QLineEdit* m_sparsities;
    QPushButton* m_scan;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QDoubleSpinBox* m_maxDrop;
    QPushButton* m_setFloors;
    QLabel* m_status;
    core::SensitivityState m_state;
    bool m_available = false;
};

} // namespace espalier::widgets
