#include "widgets/deploymentpanel.h"

#include <cmath>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "widgets/format.h"

namespace espalier::widgets {
namespace {

constexpr double kKibibyte = 1024.0;

QString bytesText(std::int64_t bytes)
{
    return bytes < 10 * kKibibyte ? QObject::tr("%1 B").arg(formatCount(bytes))
                                  : QObject::tr("%1 KiB").arg(double(bytes) / kKibibyte, 0, 'f', 1);
}

QString millisecondsText(double ms)
{
    return QObject::tr("%1 ms").arg(ms, 0, 'f', ms < 1.0 ? 3 : 2);
}

// "12.3× smaller": dense over pruned, which is how much the pruned side saves.
QString gainText(double dense, double pruned, const QString& word)
{
    if (!(pruned > 0.0) || !std::isfinite(dense / pruned))
        return QStringLiteral("–");
    return QStringLiteral("%1× %2").arg(dense / pruned, 0, 'f', dense / pruned < 10.0 ? 2 : 1).arg(word);
}

} // namespace

DeploymentPanel::DeploymentPanel(QWidget* parent)
    : QWidget(parent), m_batches(new QLineEdit(this)), m_measure(new QPushButton(tr("&Measure"), this)),
      m_status(new QLabel(this)), m_table(new QTableWidget(0, 3, this))
{
    m_batches->setObjectName(QStringLiteral("deploymentBatchesEdit"));
    m_measure->setObjectName(QStringLiteral("measureDeploymentButton"));
    m_status->setObjectName(QStringLiteral("deploymentStatusLabel"));
    m_table->setObjectName(QStringLiteral("deploymentTable"));

    m_batches->setText(QStringLiteral("1, 256"));
    m_batches->setToolTip(tr("Batch sizes to time, separated by commas"));
    m_measure->setToolTip(tr("Runs a copy of the model as it is now, dense LibTorch and sparse execution in turns "
                             "(espalier-cli bench does the same). A running session waits while it measures."));
    m_status->setWordWrap(true);
    m_status->setText(tr("Not measured yet."));
    m_table->setHorizontalHeaderLabels({tr("Dense"), tr("Pruned"), tr("Gain")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Batch sizes"), this));
    controls->addWidget(m_batches, 1);
    controls->addWidget(m_measure);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);

    connect(m_measure, &QPushButton::clicked, this, &DeploymentPanel::requestMeasurement);
    connect(m_batches, &QLineEdit::returnPressed, this, &DeploymentPanel::requestMeasurement);
    connect(m_batches, &QLineEdit::textChanged, this, [this] {
        m_batches->setStyleSheet(batches() ? QString() : QStringLiteral("background: #ffebee"));
        updateButton();
    });
    updateButton();
}

std::optional<std::vector<std::int64_t>> DeploymentPanel::batches() const
{
    std::vector<std::int64_t> out;
    for (const QString& part : m_batches->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const auto value = part.trimmed().toLongLong(&ok);
        if (!ok || value < 1)
            return std::nullopt;
        out.push_back(value);
    }
    if (out.empty())
        return std::nullopt;
    return out;
}

void DeploymentPanel::setAvailable(bool available)
{
    m_available = available;
    updateButton();
}

void DeploymentPanel::setState(const core::DeploymentState& state, int currentRound, double currentSparsity)
{
    m_running = state.running;
    updateButton();
    if (state.running) {
        m_status->setText(tr("Measuring a copy of the model…"));
        return;
    }
    if (!state.row) {
        m_status->setText(state.message.empty() ? tr("Not measured yet.") : QString::fromStdString(state.message));
        m_table->setRowCount(0);
        return;
    }
    QString text = tr("Measured after round %1 at %2 sparsity, %3.")
                       .arg(state.round)
                       .arg(formatPercent(state.sparsity, 1))
                       .arg(state.threads == 1 ? tr("1 thread") : tr("%1 threads").arg(state.threads));
    if (currentRound != state.round || std::abs(currentSparsity - state.sparsity) > 1e-9)
        text += tr(" The session has moved on since (round %1, %2): measure again for the current model.")
                    .arg(currentRound)
                    .arg(formatPercent(currentSparsity, 1));
    if (!state.message.empty())
        text += QLatin1Char(' ') + QString::fromStdString(state.message);
    m_status->setText(text);
    fillTable(*state.row);
}

void DeploymentPanel::fillTable(const core::BenchRow& row)
{
    struct Line {
        QString label, dense, pruned, gain, tip;
    };
    std::vector<Line> lines{
        {tr("Weights"), formatCount(row.parameters), formatCount(row.nonzeros),
         gainText(double(row.parameters), double(row.nonzeros), tr("fewer")),
         tr("Parameters, and those that are not zero")},
        {tr("Stored size"), bytesText(row.denseBytes), bytesText(row.compressedBytes),
         gainText(double(row.denseBytes), double(row.compressedBytes), tr("smaller")),
         tr("float32 dense, against checkpoint.h5's layout: a bitmask and the kept values per pruned tensor")},
        {tr("MACs per sample"), formatCount(row.macs), formatCount(row.nonzeroMacs),
         gainText(double(row.macs), double(row.nonzeroMacs), tr("fewer")),
         tr("Multiply–accumulates of the Conv and Linear layers, all of them and those with a non-zero weight")}};
    for (const auto& l : row.latency)
        lines.push_back({tr("Latency, batch %1").arg(l.batch), millisecondsText(l.denseMs), millisecondsText(l.sparseMs),
                         gainText(l.denseMs, l.sparseMs, tr("faster")),
                         tr("Median forward pass; %1 of %2 layers run sparse (those that measured faster sparse)")
                             .arg(l.sparseLayers)
                             .arg(l.layers.size())});
    lines.push_back({tr("Max |Δ logit|"), QStringLiteral("–"), QString::number(row.maxDifference, 'g', 2), {},
                     tr("Largest difference between sparse and dense logits on 256 test samples")});
    m_table->setRowCount(int(lines.size()));
    for (int r = 0; r < int(lines.size()); ++r) {
        auto* header = new QTableWidgetItem(lines[r].label);
        header->setToolTip(lines[r].tip);
        m_table->setVerticalHeaderItem(r, header);
        const QString cells[] = {lines[r].dense, lines[r].pruned, lines[r].gain};
        for (int c = 0; c < 3; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(lines[r].tip);
            m_table->setItem(r, c, item);
        }
    }
}

void DeploymentPanel::requestMeasurement()
{
    if (const auto values = batches(); values && m_available && !m_running)
        Q_EMIT measureRequested(*values);
}

void DeploymentPanel::updateButton()
{
    m_measure->setEnabled(m_available && !m_running && batches().has_value());
}

} // namespace espalier::widgets
