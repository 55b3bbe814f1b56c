#include "widgets/maskinspector.h"

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>
#include <QToolTip>
#include <QVBoxLayout>

#include "widgets/format.h"
#include "widgets/maskplot.h"
#include "widgets/maskraster.h"

namespace espalier::widgets {

namespace {

QString swatch(const QColor& color)
{
    if (color.lightness() > 230) // would vanish on the window background: an outlined square
        return QStringLiteral("<span style=\"color:#9e9e9e\">\u25A1</span>");
    return QStringLiteral("<span style=\"color:%1\">\u25A0</span>").arg(color.name());
}

} // namespace

MaskInspector::MaskInspector(QWidget* parent)
    : QWidget(parent), m_plot(new MaskPlot(this)), m_title(new QLabel(this)), m_legend(new QLabel(this)),
      m_hoverLabel(new QLabel(this)), m_viewCombo(new QComboBox(this)),
      m_squareCheck(new QCheckBox(tr("Square cells"), this)), m_fitButton(new QPushButton(tr("Fit"), this))
{
    m_plot->setObjectName(QStringLiteral("maskPlot"));
    m_title->setObjectName(QStringLiteral("titleLabel"));
    m_legend->setObjectName(QStringLiteral("legendLabel"));
    m_hoverLabel->setObjectName(QStringLiteral("hoverLabel"));
    m_viewCombo->setObjectName(QStringLiteral("viewCombo"));
    m_squareCheck->setObjectName(QStringLiteral("squareCellsCheck"));
    m_fitButton->setObjectName(QStringLiteral("fitButton"));
    // Item index == int(View).
    m_viewCombo->addItems({tr("Mask"), tr("Weights"), tr("Scores"), tr("Changes since previous round")});
    m_viewCombo->setToolTip(tr("What the colour of a cell shows"));
    m_squareCheck->setChecked(true);
    m_squareCheck->setToolTip(tr("Draw every weight as a square; off stretches the tensor to the plot"));
    m_fitButton->setToolTip(tr("Show the whole tensor (the wheel zooms, dragging pans)"));
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // a long name must not widen the dock
    m_legend->setTextFormat(Qt::RichText);

    // The title gets a row of its own: in a narrow dock it would be squeezed to nothing.
    auto* header = new QHBoxLayout;
    header->addWidget(m_viewCombo, 1);
    header->addWidget(m_squareCheck);
    header->addWidget(m_fitButton);
    auto* footer = new QHBoxLayout;
    footer->addWidget(m_legend);
    footer->addStretch();
    footer->addWidget(m_hoverLabel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addLayout(header);
    layout->addWidget(m_plot, 1);
    layout->addLayout(footer);

    connect(m_viewCombo, &QComboBox::currentIndexChanged, this, [this](int index) { setView(View(index)); });
    connect(m_fitButton, &QPushButton::clicked, this, &MaskInspector::fitView);
    connect(m_squareCheck, &QCheckBox::toggled, m_plot, &MaskPlot::setSquareCells);
    connect(m_plot, &QCustomPlot::mouseMove, this, &MaskInspector::onMouseMove);
    m_plot->installEventFilter(this);
    clear();
}

void MaskInspector::setLayer(core::LayerTensors layer)
{
    MaskLayout layout(layer.shape);
    const auto numel = std::size_t(layout.numel());
    // Weights may be missing (a report stores masks only); a wrong count is a bug upstream.
    if (numel == 0 || layer.mask.size() != numel || (!layer.weights.empty() && layer.weights.size() != numel)) {
        clear();
        m_title->setText(tr("%1: the tensor's shape and data disagree").arg(QString::fromStdString(layer.name)));
        return;
    }
    if (layer.scores.size() != numel)
        layer.scores.clear();
    if (layer.previousMask.size() != numel)
        layer.previousMask.clear();
    const bool sameTensor = hasLayer() && layer.name == m_layer.name && layer.shape == m_layer.shape;
    m_layer = std::move(layer);
    m_layout = std::move(layout);
    m_factor = widgets::poolingFactor(m_layout, m_cellBudget);
    m_kept = std::count_if(m_layer.mask.begin(), m_layer.mask.end(), [](std::uint8_t m) { return m != 0; });
    m_emptyChannels = emptyChannels(m_layer);
    m_newlyPruned = 0;
    m_regrown = 0;
    for (std::size_t i = 0; i < m_layer.previousMask.size(); ++i) {
        m_newlyPruned += m_layer.previousMask[i] && !m_layer.mask[i];
        m_regrown += !m_layer.previousMask[i] && m_layer.mask[i];
    }
    updateTitle();
    showHover(QString()); // the text under a resting mouse would describe the old values
    m_viewCombo->setEnabled(true);
    m_fitButton->setEnabled(true);
    updateAvailability();
    render();
    if (!sameTensor || m_plot->isFitted()) // a new round of the same tensor keeps the user's zoom
        m_plot->fit();
}

void MaskInspector::clear()
{
    m_layer = {};
    m_layout = {};
    m_factor = 1;
    m_kept = m_newlyPruned = m_regrown = 0;
    m_emptyChannels = {};
    m_view = View::Mask;
    m_plot->showEmpty(tr("select a layer to inspect its mask"));
    m_title->clear();
    m_title->setToolTip(QString());
    m_legend->clear();
    showHover(QString());
    m_viewCombo->setEnabled(false);
    m_fitButton->setEnabled(false);
    updateAvailability();
}

bool MaskInspector::isViewAvailable(View view) const
{
    switch (view) {
    case View::Mask: return hasLayer();
    case View::Weights: return !m_layer.weights.empty();
    case View::Scores: return !m_layer.scores.empty();
    case View::Changes: return !m_layer.previousMask.empty();
    }
    return false;
}

void MaskInspector::setView(View view)
{
    m_requestedView = view;
    if (hasLayer())
        render();
}

void MaskInspector::fitView() { m_plot->fit(); }

QCustomPlot* MaskInspector::plot() const { return m_plot; }
QCPColorMap* MaskInspector::colorMap() const { return m_plot->colorMap(); }
QCPColorScale* MaskInspector::colorScale() const { return m_plot->colorScale(); }

EmptyChannels emptyChannels(const core::LayerTensors& layer)
{
    EmptyChannels result;
    if (layer.shape.size() < 2)
        return result;
    const std::int64_t outputs = layer.shape[0];
    const std::int64_t inputs = layer.shape[1];
    std::int64_t tile = 1;
    for (std::size_t i = 2; i < layer.shape.size(); ++i)
        tile *= layer.shape[i];
    if (std::int64_t(layer.mask.size()) != outputs * inputs * tile)
        return result;
    std::vector<bool> rowKept(std::size_t(outputs), false);
    std::vector<bool> columnKept(std::size_t(inputs), false);
    for (std::int64_t i = 0; i < std::int64_t(layer.mask.size()); ++i)
        if (layer.mask[std::size_t(i)] != 0) {
            rowKept[std::size_t(i / (inputs * tile))] = true;
            columnKept[std::size_t((i / tile) % inputs)] = true;
        }
    result.outputChannels = outputs;
    result.inputChannels = inputs;
    result.outputs = std::count(rowKept.begin(), rowKept.end(), false);
    result.inputs = std::count(columnKept.begin(), columnKept.end(), false);
    return result;
}

void MaskInspector::render()
{
    m_view = isViewAvailable(m_requestedView) ? m_requestedView : View::Mask;
    {
        const QSignalBlocker blocker(m_viewCombo);
        m_viewCombo->setCurrentIndex(int(m_view));
    }
    const MaskRaster raster = rasterize(m_layer, m_layout, m_view, m_factor);
    m_plot->setRaster(raster, m_layout);
    updateLegend(raster);
}

void MaskInspector::updateTitle()
{
    QStringList dims;
    for (const std::int64_t dim : m_layer.shape)
        dims << QString::number(dim);
    QString title = tr("%1 — %2, kept %3 (%4), round %5")
                        .arg(QString::fromStdString(m_layer.name), dims.join(QStringLiteral(" × ")),
                             formatCount(m_kept), formatPercent(double(m_kept) / double(m_layout.numel())))
                        .arg(m_layer.round);
    if (m_factor > 1)
        title += tr(" — downsampled %1:1 by max-pooling").arg(m_factor);
    m_title->setText(title);
    m_title->setToolTip(title);
}

void MaskInspector::updateLegend(const MaskRaster& raster)
{
    const std::int64_t pruned = m_layout.numel() - m_kept;
    QString text;
    switch (m_view) {
    case View::Mask:
        text = tr("%1 kept %2 &nbsp; %3 pruned %4")
                   .arg(swatch(maskKeptColor()), formatCount(m_kept), swatch(maskPrunedColor()), formatCount(pruned));
        if (m_emptyChannels.outputs > 0 || m_emptyChannels.inputs > 0)
            text += tr(" &nbsp; removed channels: %1 of %2 output rows, %3 of %4 input columns")
                        .arg(m_emptyChannels.outputs)
                        .arg(m_emptyChannels.outputChannels)
                        .arg(m_emptyChannels.inputs)
                        .arg(m_emptyChannels.inputChannels);
        break;
    case View::Weights:
        text = tr("%1 pruned %2 &nbsp; colours saturate at ±%3 (99th percentile of the kept |weight|)")
                   .arg(swatch(weightPrunedColor()), formatCount(pruned),
                        QString::number(raster.scaleRange.upper, 'g', 3));
        break;
    case View::Scores:
        text = tr("log10 |score| of every weight, kept or pruned; colours span its 0.5–99.5th percentile");
        break;
    case View::Changes:
        text = tr("%1 %2 pruned this round, %3 %4 regrown &nbsp; %5 still kept &nbsp; %6 still pruned")
                   .arg(swatch(changeColor(kNewlyPruned)), formatCount(m_newlyPruned), swatch(changeColor(kRegrown)),
                        formatCount(m_regrown), swatch(changeColor(kStillKept)), swatch(changeColor(kStillPruned)));
        break;
    }
    m_legend->setText(text);
}

void MaskInspector::updateAvailability()
{
    auto* model = qobject_cast<QStandardItemModel*>(m_viewCombo->model());
    for (int row = 0; row < model->rowCount(); ++row) {
        const auto view = View(row);
        const bool available = isViewAvailable(view);
        QString why;
        if (!available && hasLayer())
            why = view == View::Weights  ? tr("No weights: a report stores the masks only")
                  : view == View::Scores ? tr("This layer has no scores yet")
                                         : tr("No previous round to compare with");
        model->item(row)->setEnabled(available);
        model->item(row)->setToolTip(why);
    }
}

std::optional<MaskInspector::CellInfo> MaskInspector::cellAt(double key, double value) const
{
    if (!hasLayer() || !(key > -0.5 && key < double(m_layout.width()) - 0.5) ||
        !(value > -0.5 && value < double(m_layout.height()) - 0.5))
        return std::nullopt;
    const auto flat = m_layout.flatIndexAt(std::llround(value), std::llround(key));
    if (!flat)
        return std::nullopt;
    const auto i = std::size_t(*flat);
    CellInfo cell;
    cell.flatIndex = *flat;
    cell.index = m_layout.unravel(*flat);
    if (!m_layer.weights.empty())
        cell.weight = m_layer.weights[i];
    cell.kept = m_layer.mask[i] != 0;
    if (!m_layer.scores.empty())
        cell.score = m_layer.scores[i];
    if (!m_layer.previousMask.empty())
        cell.previouslyKept = m_layer.previousMask[i] != 0;
    return cell;
}

QString MaskInspector::describe(const CellInfo& cell)
{
    QString text = formatIndex(cell.index);
    if (cell.weight)
        text += tr("  weight %1").arg(QString::number(*cell.weight, 'g', 4));
    if (cell.score)
        text += tr("  score %1").arg(QString::number(*cell.score, 'g', 3));
    const bool changed = cell.previouslyKept && *cell.previouslyKept != cell.kept;
    if (changed)
        text += cell.kept ? tr("  regrown this round") : tr("  pruned this round");
    else
        text += cell.kept ? tr("  kept") : tr("  pruned");
    return text;
}

bool MaskInspector::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_plot && event->type() == QEvent::Leave) {
        QToolTip::hideText();
        showHover(QString());
    }
    return QWidget::eventFilter(watched, event);
}

void MaskInspector::onMouseMove(QMouseEvent* event)
{
    const QPointF pos = event->position();
    std::optional<CellInfo> cell;
    if (m_plot->axisRect()->rect().contains(pos.toPoint()))
        cell = cellAt(m_plot->xAxis->pixelToCoord(pos.x()), m_plot->yAxis->pixelToCoord(pos.y()));
    const QString text = cell ? describe(*cell) : QString();
    showHover(text);
    if (cell && event->buttons() == Qt::NoButton) // no tooltip chasing the cursor while panning
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
    else
        QToolTip::hideText();
}

void MaskInspector::showHover(const QString& text)
{
    if (text == m_hoverText)
        return;
    m_hoverText = text;
    m_hoverLabel->setText(text);
    Q_EMIT hovered(text);
}

} // namespace espalier::widgets
