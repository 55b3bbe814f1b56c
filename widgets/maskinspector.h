#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QWidget>

#include "espalier/core/layertensors.h"
#include "widgets/masklayout.h"
#include "widgets/maskview.h"

class QCheckBox;
class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QPushButton;

namespace espalier::widgets {

class MaskPlot;

/// Output channels (dim 0) and input channels (dim 1) of a weight whose every mask entry is pruned:
/// what a channel cut removes, shown as whole empty rows and columns.
struct EmptyChannels {
    std::int64_t outputs = 0;
    std::int64_t outputChannels = 0;
    std::int64_t inputs = 0;
    std::int64_t inputChannels = 0;
};
EmptyChannels emptyChannels(const core::LayerTensors& layer);
struct MaskRaster;

/// One prunable tensor as a zoomable heatmap of its mask, weights, scores or the changes of the
/// last round. Linear weights are out × in cells; conv weights are out × in tiles of kh × kw.
/// The wheel zooms, dragging pans, "Fit" shows it whole. Lives in: GUI thread.
class MaskInspector : public QWidget {
    Q_OBJECT
public:
    using View = MaskView;

    /// One tensor element under the mouse.
    struct CellInfo {
        std::int64_t flatIndex = 0;
        std::vector<std::int64_t> index; ///< in the tensor's shape, e.g. {12, 3, 1, 2}
        std::optional<float> weight; ///< none when the tensor came without weights (a report)
        std::optional<float> score;
        bool kept = false;
        std::optional<bool> previouslyKept;
    };

    explicit MaskInspector(QWidget* parent = nullptr);

    /// Shows `layer`, kept (moved in when possible) for hovering and view switches. The same
    /// tensor again (a new round) keeps the zoom; another one is fitted.
    void setLayer(core::LayerTensors layer);
    /// The empty state: "select a layer to inspect its mask".
    void clear();
    /// A view without data (Scores, Changes) shows Mask until a layer has that data.
    void setView(View view);
    [[nodiscard]] View view() const { return m_view; }
    [[nodiscard]] bool isViewAvailable(View view) const;
    /// Zooms so that the whole tensor is visible.
    void fitView();

    /// The element at plot coordinates (key = grid column, value = grid row); nullopt on a gap
    /// between conv tiles or outside the tensor.
    [[nodiscard]] std::optional<CellInfo> cellAt(double key, double value) const;
    /// "[12, 3, 1, 2]  weight 0.0123  score 4.1e-05  kept"
    [[nodiscard]] static QString describe(const CellInfo& cell);

    /// Tensors with more grid cells than this are max-pooled down to it.
    static constexpr std::int64_t kMaxCells = 16'000'000;
    void setCellBudget(std::int64_t cells) { m_cellBudget = cells; }
    [[nodiscard]] int poolingFactor() const { return m_factor; }
    [[nodiscard]] bool hasLayer() const { return m_layout.numel() > 0; }
    [[nodiscard]] const MaskLayout& layout() const { return m_layout; }
    [[nodiscard]] QCustomPlot* plot() const;
    [[nodiscard]] QCPColorMap* colorMap() const;
    [[nodiscard]] QCPColorScale* colorScale() const;

Q_SIGNALS:
    /// The cell under the mouse, for a status bar; empty when the mouse leaves the tensor.
    void hovered(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void render();
    void updateTitle();
    void updateLegend(const MaskRaster& raster);
    void updateAvailability();
    void onMouseMove(QMouseEvent* event);
    void showHover(const QString& text);

    MaskPlot* m_plot;
    QLabel* m_title;
    QLabel* m_legend;
    QLabel* m_hoverLabel;
    QComboBox* m_viewCombo;
    QCheckBox* m_squareCheck;
    QPushButton* m_fitButton;

    core::LayerTensors m_layer;
    MaskLayout m_layout;
    View m_requestedView = View::Mask;
    View m_view = View::Mask;
    std::int64_t m_cellBudget = kMaxCells;
    int m_factor = 1;
    std::int64_t m_kept = 0;
    EmptyChannels m_emptyChannels; ///< whole rows (outputs) and columns (inputs) without a kept weight
    std::int64_t m_newlyPruned = 0;
    std::int64_t m_regrown = 0;
    QString m_hoverText;
};

} // namespace espalier::widgets
