#include "widgets/progresspanel.h"

#include <algorithm>

#include <QFontMetrics>
#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>

#include "widgets/format.h"

namespace espalier::widgets {
namespace {

QLabel* makeLabel(QWidget* parent, const QString& objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    return label;
}

void reserveWidth(QLabel* label, const QString& longestText)
{
    QFont font = label->font();
    font.setBold(true); // bold labels need the most room
    label->setMinimumWidth(QFontMetrics(font).horizontalAdvance(longestText) + 4);
}

QString ofTotal(const QString& what, qint64 value, qint64 total)
{
    if (total <= 0)
        return what + QStringLiteral(" –");
    return QStringLiteral("%1 %2/%3").arg(what).arg(value).arg(total);
}

} // namespace

ProgressPanel::ProgressPanel(QWidget* parent)
    : QWidget(parent), m_state(makeLabel(this, QStringLiteral("stateLabel"))),
      m_phase(makeLabel(this, QStringLiteral("phaseLabel"))), m_round(makeLabel(this, QStringLiteral("roundLabel"))),
      m_epoch(makeLabel(this, QStringLiteral("epochLabel"))), m_batch(makeLabel(this, QStringLiteral("batchLabel"))),
      m_batchProgress(new QProgressBar(this)), m_sparsity(makeLabel(this, QStringLiteral("sparsityLabel"))),
      m_kept(makeLabel(this, QStringLiteral("keptLabel"))), m_accuracy(makeLabel(this, QStringLiteral("accuracyLabel"))),
      m_speed(makeLabel(this, QStringLiteral("speedLabel"))), m_eta(makeLabel(this, QStringLiteral("etaLabel")))
{
    m_speed->setToolTip(tr("Training throughput of the last finished epoch"));
    m_eta->setToolTip(tr("Time left in the current phase, from the speed of its last epoch; for ESPN's mask "
                         "discovery an upper bound (it stops once the mask is found)"));
    m_batchProgress->setObjectName(QStringLiteral("batchProgress"));
    m_batchProgress->setTextVisible(false);
    m_batchProgress->setFixedWidth(140);
    m_batchProgress->setMaximumHeight(fontMetrics().height());
    QFont bold = m_state->font();
    bold.setBold(true);
    m_state->setFont(bold);
    m_sparsity->setFont(bold);
    m_sparsity->setToolTip(tr("Fraction of prunable weights that are zero by mask"));

    // Two rows in a grid with widths reserved for the longest text, so nothing jumps as numbers change.
    reserveWidth(m_state, tr("Finished"));
    reserveWidth(m_phase, tr("Training (round)"));
    reserveWidth(m_round, tr("Round 888/888"));
    reserveWidth(m_epoch, tr("Epoch 888/888"));
    reserveWidth(m_batch, tr("Batch 8888/8888"));
    reserveWidth(m_sparsity, tr("Sparsity 88.88 % (target 88.88 %)"));
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(8, 2, 8, 2);
    layout->setHorizontalSpacing(14);
    layout->setVerticalSpacing(2);
    layout->addWidget(m_state, 0, 0);
    layout->addWidget(m_phase, 0, 1);
    layout->addWidget(m_round, 0, 2);
    layout->addWidget(m_epoch, 0, 3);
    layout->addWidget(m_batch, 0, 4);
    layout->addWidget(m_batchProgress, 0, 5);
    layout->addWidget(m_sparsity, 1, 0, 1, 3);
    layout->addWidget(m_kept, 1, 3, 1, 2);
    layout->addWidget(m_accuracy, 1, 5);
    layout->addWidget(m_eta, 0, 6);
    layout->addWidget(m_speed, 1, 6);
    layout->setColumnStretch(7, 1);
    clear();
}

void ProgressPanel::setSnapshot(const core::Snapshot& snapshot)
{
    m_state->setText(stateText(snapshot.state));
    m_phase->setText(phaseText(snapshot.phase));
    m_round->setText(ofTotal(tr("Round"), snapshot.round, snapshot.totalRounds));
    m_epoch->setText(ofTotal(tr("Epoch"), snapshot.epoch, snapshot.totalEpochs));
    m_batch->setText(ofTotal(tr("Batch"), snapshot.batch, snapshot.totalBatches));
    // QProgressBar takes int; batches per epoch stay far below INT_MAX.
    m_batchProgress->setRange(0, int(std::max<std::int64_t>(snapshot.totalBatches, 1)));
    m_batchProgress->setValue(int(snapshot.batch));
    m_sparsity->setText(tr("Sparsity %1 (target %2)")
                            .arg(formatPercent(snapshot.sparsity), formatPercent(snapshot.targetSparsity)));
    m_kept->setText(tr("%1 of %2 weights kept")
                        .arg(formatCount(snapshot.keptWeights), formatCount(snapshot.prunableWeights)));
    m_accuracy->setText(snapshot.epochs.empty()
                            ? tr("Test accuracy –")
                            : tr("Test accuracy %1").arg(formatPercent(snapshot.epochs.back().testAccuracy)));
    m_speed->setText(snapshot.epochs.empty()
                         ? QString()
                         : tr("%1 samples/s").arg(formatCount(std::int64_t(snapshot.epochs.back().samplesPerSecond))));
    const auto left = phaseSecondsLeft(snapshot);
    if (!left || snapshot.state == core::SessionState::Finished) {
        m_eta->setText(QString());
    } else {
        const auto seconds = std::int64_t(*left + 0.5);
        const QString time = QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
        m_eta->setText(snapshot.phase == "mask" ? tr("≤ %1 left in phase").arg(time) : tr("%1 left in phase").arg(time));
    }
}

std::optional<double> ProgressPanel::phaseSecondsLeft(const core::Snapshot& s)
{
    if (s.totalEpochs <= 0 || s.epoch <= 0)
        return std::nullopt;
    for (auto it = s.epochs.rbegin(); it != s.epochs.rend(); ++it) {
        if (it->phase != s.phase || it->round != s.round || it->seconds <= 0)
            continue;
        const double done = s.totalBatches > 0 ? double(s.batch) / double(s.totalBatches) : 0.0;
        return std::max(0.0, (double(s.totalEpochs - s.epoch) + 1.0 - done) * it->seconds);
    }
    return std::nullopt;
}

void ProgressPanel::setState(core::SessionState state)
{
    m_state->setText(stateText(state));
}

void ProgressPanel::clear()
{
    setSnapshot(core::Snapshot{});
    m_phase->setText(QStringLiteral("–"));
    m_sparsity->setText(tr("Sparsity –"));
    m_kept->setText(QString());
}

} // namespace espalier::widgets
