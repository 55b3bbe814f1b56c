#include "widgets/roundstable.h"

#include <cmath>

#include "widgets/format.h"
#include "widgets/recordtable.h"

namespace espalier::widgets {

RoundsTable::RoundsTable(QWidget* parent) : QTreeWidget(parent)
{
    setColumnCount(ColumnCount);
    setHeaderLabels({tr("Round"), tr("Target"), tr("Sparsity"), tr("Effective"), tr("Test acc."), tr("Best"),
                     tr("Test loss"), tr("Collapsed"), tr("Seconds")});
    headerItem()->setToolTip(EffectiveColumn,
                             tr("Kept weights that lie on no input→output path count as pruned"));
    headerItem()->setToolTip(AccuracyColumn, tr("After the round's final epoch"));
    headerItem()->setToolTip(BestAccuracyColumn,
                             tr("The round's best epoch on the test set: model selection on test data, "
                                "shown next to the final accuracy, never instead of it"));
    applyRecordTableStyle(this);
}

void RoundsTable::setRounds(const std::vector<core::RoundRecord>& rounds)
{
    clear();
    const auto number = [](double value, int decimals) {
        return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("–");
    };
    for (const core::RoundRecord& r : rounds) {
        auto* item = new QTreeWidgetItem(this);
        item->setText(RoundColumn, QString::number(r.round));
        item->setText(TargetColumn, formatPercent(r.targetSparsity));
        item->setText(SparsityColumn, formatPercent(r.sparsity));
        item->setText(EffectiveColumn, formatPercent(r.effectiveSparsity));
        item->setText(AccuracyColumn, formatPercent(r.testAccuracy));
        item->setText(BestAccuracyColumn, formatPercent(r.bestTestAccuracy));
        item->setText(LossColumn, number(r.testLoss, 4));
        item->setText(CollapsedColumn, r.disconnected ? tr("%1, disconnected").arg(r.collapsedLayers)
                                                      : QString::number(r.collapsedLayers));
        item->setText(SecondsColumn, number(r.seconds, 1));
        for (int column = TargetColumn; column < ColumnCount; ++column)
            item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    }
}

} // namespace espalier::widgets
