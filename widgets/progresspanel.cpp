#include "widgets/progresspanel.h"

#include <algorithm>

#include <QHBoxLayout>
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
      m_kept(makeLabel(this, QStringLiteral("keptLabel"))), m_accuracy(makeLabel(this, QStringLiteral("accuracyLabel")))
{
    m_batchProgress->setObjectName(QStringLiteral("batchProgress"));
    m_batchProgress->setTextVisible(false);
    m_batchProgress->setMaximumWidth(140);
    m_batchProgress->setMaximumHeight(fontMetrics().height());
    QFont bold = m_state->font();
    bold.setBold(true);
    m_state->setFont(bold);
    m_sparsity->setFont(bold);
    m_sparsity->setToolTip(tr("Fraction of prunable weights that are zero by mask"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(18);
    for (QWidget* widget : std::initializer_list<QWidget*>{m_state, m_phase, m_round, m_epoch, m_batch})
        layout->addWidget(widget);
    layout->addWidget(m_batchProgress);
    layout->addStretch(1);
    for (QWidget* widget : std::initializer_list<QWidget*>{m_sparsity, m_kept, m_accuracy})
        layout->addWidget(widget);
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
