#include "widgets/sensitivitypanel.h"

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "widgets/format.h"
#include "widgets/plotstyle.h"

namespace espalier::widgets {
namespace {

constexpr double kPercent = 100.0;
constexpr double kWorstDropShown = 20.0; // points: the colour scale saturates here
constexpr std::size_t kMaxLabelledCells = 240;

bool sameTable(const std::optional<core::SensitivityTable>& a, const std::optional<core::SensitivityTable>& b)
{
    if (a.has_value() != b.has_value())
        return false;
    return !a || (a->layers == b->layers && a->sparsities == b->sparsities && a->accuracy == b->accuracy &&
                  a->baseAccuracy == b->baseAccuracy && a->fromCache == b->fromCache);
}

} // namespace

SensitivityPanel::SensitivityPanel(QWidget* parent)
    : QWidget(parent), m_method(new QComboBox(this)), m_sparsities(new QLineEdit(this)),
      m_scan(new QPushButton(tr("&Scan"), this)), m_cancel(new QPushButton(tr("Cancel"), this)),
      m_progress(new QProgressBar(this)), m_plot(new QCustomPlot(this)), m_map(nullptr),
      m_maxDrop(new QDoubleSpinBox(this)), m_setFloors(new QPushButton(tr("Set &floors"), this)),
      m_status(new QLabel(this))
{
    m_method->setObjectName(QStringLiteral("sensitivityMethodCombo"));
    m_sparsities->setObjectName(QStringLiteral("sensitivitySparsitiesEdit"));
    m_scan->setObjectName(QStringLiteral("scanButton"));
    m_cancel->setObjectName(QStringLiteral("cancelScanButton"));
    m_progress->setObjectName(QStringLiteral("scanProgress"));
    m_plot->setObjectName(QStringLiteral("sensitivityPlot"));
    m_maxDrop->setObjectName(QStringLiteral("maxDropSpin"));
    m_setFloors->setObjectName(QStringLiteral("setFloorsButton"));
    m_status->setObjectName(QStringLiteral("scanStatusLabel"));

    m_method->addItems({QStringLiteral("magnitude"), QStringLiteral("random"), QStringLiteral("snip"),
                        QStringLiteral("grasp"), QStringLiteral("synflow"), QStringLiteral("taylor")});
    m_method->setToolTip(tr("How the one pruned layer is pruned in each cell"));
    m_sparsities->setText(QStringLiteral("50, 75, 90, 95, 98, 99"));
    m_sparsities->setToolTip(tr("Sparsities to scan, in percent, separated by commas"));
    m_scan->setToolTip(tr("For every layer and sparsity: the test accuracy with only that layer pruned, on a copy. "
                          "The session waits while it scans; a model state scanned before comes from the cache."));
    m_maxDrop->setRange(0.0, 100.0);
    m_maxDrop->setDecimals(1);
    m_maxDrop->setValue(1.0);
    m_maxDrop->setSuffix(tr(" points"));
    m_setFloors->setToolTip(tr("Give each layer the floor (minimum density) that keeps it within this accuracy drop "
                               "in the scan; layers within it at every sparsity get none"));
    m_status->setWordWrap(true);
    m_progress->setTextVisible(true);

    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_map->setDataRange(QCPRange(0.0, kWorstDropShown));
    QCPColorGradient gradient;
    gradient.setColorStopAt(0.0, QColor(0xf1, 0xf8, 0xe9));
    gradient.setColorStopAt(0.25, QColor(0xff, 0xf1, 0x76));
    gradient.setColorStopAt(1.0, QColor(0xc6, 0x28, 0x28));
    m_map->setGradient(gradient);
    m_plot->xAxis->setLabel(tr("sparsity of the one pruned layer"));
    applyPlotStyle(m_plot, font());
    m_plot->setMinimumHeight(160);

    auto* settings = new QHBoxLayout;
    settings->addWidget(m_method);
    settings->addWidget(m_sparsities, 1);
    settings->addWidget(m_scan);
    settings->addWidget(m_cancel);
    auto* floorsRow = new QHBoxLayout;
    floorsRow->addWidget(new QLabel(tr("Max drop"), this));
    floorsRow->addWidget(m_maxDrop);
    floorsRow->addWidget(m_setFloors);
    floorsRow->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<b>Per-layer sensitivity</b>: test accuracy with only one layer pruned"), this));
    layout->addLayout(settings);
    layout->addWidget(m_progress);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_status);
    layout->addLayout(floorsRow);

    connect(m_scan, &QPushButton::clicked, this, &SensitivityPanel::requestScan);
    connect(m_cancel, &QPushButton::clicked, this, &SensitivityPanel::cancelRequested);
    connect(m_setFloors, &QPushButton::clicked, this, [this] { Q_EMIT floorsRequested(floors()); });
    connect(m_sparsities, &QLineEdit::textChanged, this, &SensitivityPanel::updateButtons);
    drawTable();
    updateButtons();
}

std::optional<std::vector<double>> SensitivityPanel::sparsities() const
{
    std::vector<double> out;
    for (const QString& part : m_sparsities->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double percent = part.trimmed().remove(QLatin1Char('%')).toDouble(&ok);
        if (!ok || percent < 0.0 || percent >= kPercent)
            return std::nullopt;
        out.push_back(percent / kPercent);
    }
    if (out.empty())
        return std::nullopt;
    return out;
}

void SensitivityPanel::requestScan()
{
    const auto values = sparsities();
    if (!values)
        return;
    core::SensitivitySettings settings;
    settings.method = m_method->currentText().toStdString();
    settings.sparsities = *values;
    Q_EMIT scanRequested(settings);
}

std::map<std::string, double> SensitivityPanel::floors() const
{
    if (!m_state.table)
        return {};
    return core::floorsFromSensitivity(*m_state.table, m_maxDrop->value() / kPercent);
}

void SensitivityPanel::setAvailable(bool available)
{
    m_available = available;
    updateButtons();
}

void SensitivityPanel::setState(const core::SensitivityState& state)
{
    const bool tableChanged = !sameTable(state.table, m_state.table);
    m_state = state;
    m_progress->setRange(0, std::max(1, state.total));
    m_progress->setValue(state.running ? state.done : (state.table ? std::max(1, state.total) : 0));
    m_progress->setFormat(state.running ? tr("%v of %m cells") : QString());
    if (state.running)
        m_status->setText(tr("Scanning after round %1…").arg(state.round));
    else if (!state.message.empty())
        m_status->setText(QString::fromStdString(state.message));
    else if (state.table)
        m_status->setText(tr("Scanned after round %1%2; as it is: %3 test accuracy.")
                              .arg(state.round)
                              .arg(state.table->fromCache ? tr(" (from the cache)") : QString())
                              .arg(formatPercent(state.table->baseAccuracy)));
    else
        m_status->setText(tr("No scan yet."));
    if (tableChanged)
        drawTable();
    updateButtons();
}

void SensitivityPanel::updateButtons()
{
    m_scan->setEnabled(m_available && !m_state.running && sparsities().has_value());
    m_cancel->setEnabled(m_state.running);
    m_setFloors->setEnabled(m_state.table.has_value() && !m_state.running);
}

void SensitivityPanel::drawTable()
{
    m_plot->clearItems();
    const auto& table = m_state.table;
    const int columns = table ? int(table->sparsities.size()) : 0;
    const int rows = table ? int(table->layers.size()) : 0;
    m_map->data()->setSize(std::max(1, columns), std::max(1, rows));
    // A single cell is stretched over the whole range, so one column or row spans ±0.5.
    const auto span = [](int n) { return n <= 1 ? QCPRange(-0.5, 0.5) : QCPRange(0, n - 1); };
    m_map->data()->setRange(span(columns), span(rows));
    m_map->data()->fill(0.0);
    auto xTicker = QSharedPointer<QCPAxisTickerText>::create();
    auto yTicker = QSharedPointer<QCPAxisTickerText>::create();
    const bool label = std::size_t(columns) * std::size_t(rows) <= kMaxLabelledCells;
    for (int c = 0; c < columns; ++c)
        xTicker->addTick(c, formatPercent(table->sparsities[std::size_t(c)], 1));
    for (int r = 0; r < rows; ++r) {
        // The first layer on top, as in the layer table.
        const int y = rows - 1 - r;
        yTicker->addTick(y, QString::fromStdString(table->layers[std::size_t(r)]));
        for (int c = 0; c < columns; ++c) {
            const double accuracy = table->accuracy[std::size_t(r)][std::size_t(c)];
            const double drop = std::max(0.0, (table->baseAccuracy - accuracy) * kPercent);
            m_map->data()->setCell(c, y, drop);
            if (!label)
                continue;
            auto* text = new QCPItemText(m_plot);
            text->position->setCoords(c, y);
            text->setText(QString::number(accuracy * kPercent, 'f', 1));
            text->setFont(font());
        }
    }
    m_plot->xAxis->setTicker(xTicker);
    m_plot->yAxis->setTicker(yTicker);
    m_plot->xAxis->setRange(-0.5, std::max(0.5, columns - 0.5));
    m_plot->yAxis->setRange(-0.5, std::max(0.5, rows - 0.5));
    m_map->setVisible(table.has_value());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace espalier::widgets
