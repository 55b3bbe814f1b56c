#include "widgets/historypanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "widgets/format.h"

namespace espalier::widgets {
namespace {

/// The record of `round` as `branch` sees it: a branch continues from the rounds of the branch it
/// rolled back into, so the newest record of that round on this branch or an earlier one.
const core::RoundRecord* recordOf(const core::Snapshot& snapshot, int round)
{
    const core::RoundRecord* found = nullptr;
    for (const core::RoundRecord& record : snapshot.rounds)
        if (record.round == round && record.branch <= snapshot.branch && (!found || record.branch >= found->branch))
            found = &record;
    return found;
}

const core::EpochRecord* lastPretrainEpoch(const core::Snapshot& snapshot)
{
    for (auto it = snapshot.epochs.rbegin(); it != snapshot.epochs.rend(); ++it)
        if (it->phase == "pretrain")
            return &*it;
    return nullptr;
}

} // namespace

HistoryPanel::HistoryPanel(QWidget* parent)
    : QWidget(parent), m_branch(new QLabel(this)), m_list(new QTreeWidget(this)),
      m_rollback(new QPushButton(style()->standardIcon(QStyle::SP_ArrowBack), tr("Roll &back to this round"), this))
{
    m_branch->setObjectName(QStringLiteral("branchLabel"));
    m_branch->setToolTip(tr("Each rollback starts a new branch; the rows show the rounds this branch builds on, "
                            "and what ran after them stays in the charts as history"));
    m_list->setObjectName(QStringLiteral("historyList"));
    m_list->setToolTip(tr("Rounds whose weights and masks are kept for a rollback (the newest few fit in memory). "
                          "Double-click one to roll back to its end."));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Round"), tr("Sparsity"), tr("Test accuracy")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(RoundColumn, QHeaderView::Stretch);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_rollback->setToolTip(tr("Go back to the end of the selected round and pause there (while the session runs "
                              "or is paused); what ran after it stays visible as an earlier branch"));

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_rollback);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_branch);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);

    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &HistoryPanel::updateButton);
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, &HistoryPanel::requestRollback);
    connect(m_rollback, &QPushButton::clicked, this, &HistoryPanel::requestRollback);
    clear();
}

void HistoryPanel::setSnapshot(const core::Snapshot& snapshot)
{
    m_state = snapshot.state;
    if (snapshot.rollbackRounds != m_rounds || snapshot.branch != m_branchNumber
        || snapshot.rounds.size() != m_records || snapshot.epochs.size() != m_epochs)
        rebuild(snapshot);
    updateButton();
}

void HistoryPanel::setState(core::SessionState state)
{
    m_state = state;
    updateButton();
}

void HistoryPanel::clear()
{
    m_list->clear();
    m_rounds.clear();
    m_branchNumber = -1;
    m_records = m_epochs = 0;
    m_branch->hide();
    m_state = core::SessionState::Idle;
    updateButton();
}

int HistoryPanel::selectedRound() const
{
    const QList<QTreeWidgetItem*> selected = m_list->selectedItems();
    return selected.isEmpty() ? -1 : selected.first()->data(RoundColumn, RoundRole).toInt();
}

void HistoryPanel::rebuild(const core::Snapshot& snapshot)
{
    const int selected = selectedRound();
    m_list->clear();
    for (const int round : snapshot.rollbackRounds) {
        auto* item = new QTreeWidgetItem(m_list);
        item->setData(RoundColumn, RoundRole, round);
        item->setTextAlignment(SparsityColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(AccuracyColumn, Qt::AlignRight | Qt::AlignVCenter);
        QString sparsity = QStringLiteral("–");
        QString accuracy = QStringLiteral("–");
        QString toolTip;
        if (round == 0) {
            item->setText(RoundColumn, tr("after pretraining (dense)"));
            sparsity = formatPercent(0.0);
            if (const core::EpochRecord* epoch = lastPretrainEpoch(snapshot))
                accuracy = formatPercent(epoch->testAccuracy);
            toolTip = tr("The trained dense network, before the first mask");
        } else {
            item->setText(RoundColumn, tr("round %1").arg(round));
            if (const core::RoundRecord* record = recordOf(snapshot, round)) {
                sparsity = formatPercent(record->sparsity);
                accuracy = formatPercent(record->testAccuracy);
                toolTip = tr("End of round %1 (branch %2): effective sparsity %3")
                              .arg(round)
                              .arg(record->branch)
                              .arg(formatPercent(record->effectiveSparsity));
            }
        }
        item->setText(SparsityColumn, sparsity);
        item->setText(AccuracyColumn, accuracy);
        for (int column = 0; column < ColumnCount; ++column)
            item->setToolTip(column, toolTip);
        if (round == selected)
            item->setSelected(true);
    }
    m_branch->setText(tr("branch %1").arg(snapshot.branch));
    m_branch->setVisible(snapshot.branch > 0);
    m_rounds = snapshot.rollbackRounds;
    m_branchNumber = snapshot.branch;
    m_records = snapshot.rounds.size();
    m_epochs = snapshot.epochs.size();
}

void HistoryPanel::requestRollback()
{
    const int round = selectedRound();
    if (round >= 0 && m_rollback->isEnabled())
        Q_EMIT rollbackRequested(round);
}

void HistoryPanel::updateButton()
{
    using core::SessionState;
    const bool live = m_state == SessionState::Paused || m_state == SessionState::Running;
    m_rollback->setEnabled(live && selectedRound() >= 0);
}

} // namespace espalier::widgets
