#pragma once

#include <QSize>

#include <qcustomplot.h>

#include "widgets/masklayout.h"
#include "widgets/maskraster.h"

namespace espalier::widgets {

class TileTicker;

/// The heatmap of the mask inspector: a QCPColorMap in grid coordinates (cell centres on integers,
/// row 0 on top, the same coordinates whatever the pooling), a colour scale for the continuous
/// views, and a view that stays fitted, or keeps its cells square, while the widget resizes.
/// Lives in: GUI thread.
class MaskPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit MaskPlot(QWidget* parent = nullptr);

    /// Shows `raster` of a tensor laid out as `layout`; the zoom stays as it is.
    void setRaster(const MaskRaster& raster, const MaskLayout& layout);
    /// No data; `text` in the middle.
    void showEmpty(const QString& text);
    /// Zooms to the whole tensor and stays fitted across resizes until the user zooms or pans.
    void fit();
    [[nodiscard]] bool isFitted() const { return m_fitted; }
    void setSquareCells(bool on);
    [[nodiscard]] bool squareCells() const { return m_square; }

    [[nodiscard]] QCPColorMap* colorMap() const { return m_colorMap; }
    [[nodiscard]] QCPColorScale* colorScale() const { return m_colorScale; }
    [[nodiscard]] QCPItemText* emptyText() const { return m_emptyText; }

private:
    void setScaleShown(bool shown);
    void applyFit();
    void keepSquare();
    void onLayout();
    void updateInterpolation();

    QCPColorMap* m_colorMap;
    QCPColorScale* m_colorScale;
    QCPItemText* m_emptyText;
    TileTicker* m_xTicker; // owned by its axis
    TileTicker* m_yTicker;
    std::int64_t m_gridWidth = 0;
    std::int64_t m_gridHeight = 0;
    bool m_fitted = true;
    bool m_square = true;
    bool m_settingRange = false;
    QSize m_axisRectSize;
};

} // namespace espalier::widgets
