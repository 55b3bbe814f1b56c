#include "widgets/sweepcelltable.h"

#include <cmath>

#include "widgets/format.h"
#include "widgets/palette.h"
#include "widgets/recordtable.h"

namespace espalier::widgets {

SweepCellTable::SweepCellTable(QWidget* parent) : QTreeWidget(parent)
{
    setColumnCount(ColumnCount);
    setHeaderLabels({tr("Method"), tr("Sparsity"), tr("Seed"), tr("Status"), tr("Final acc."), tr("Best"),
                     tr("Achieved"), tr("Seconds")});
    headerItem()->setToolTip(SparsityColumn, tr("The target sparsity of the cell"));
    headerItem()->setToolTip(FinalColumn, tr("Test accuracy after the last epoch"));
    headerItem()->setToolTip(BestColumn, tr("The best epoch after the last round, on the test set: model selection "
                                            "on test data, shown next to the final accuracy, never instead of it"));
    headerItem()->setToolTip(AchievedColumn, tr("The sparsity the cell's network ended with"));
    applyRecordTableStyle(this);
}

QString SweepCellTable::statusText(core::CellStatus status)
{
    switch (status) {
    case core::CellStatus::Pending: return tr("Pending");
    case core::CellStatus::Running: return tr("Running");
    case core::CellStatus::Done: return tr("Done");
    case core::CellStatus::Failed: return tr("Failed");
    }
    return {};
}

void SweepCellTable::setCells(const std::vector<core::SweepCellResult>& cells)
{
    bool samePlan = int(cells.size()) == topLevelItemCount();
    for (int i = 0; samePlan && i < topLevelItemCount(); ++i)
        samePlan = topLevelItem(i) == m_rows.value(QString::fromStdString(cells[std::size_t(i)].name));
    if (!samePlan) {
        clear();
        m_rows.clear();
        for (const core::SweepCellResult& cell : cells)
            m_rows.insert(QString::fromStdString(cell.name), new QTreeWidgetItem(this));
    }
    for (const core::SweepCellResult& cell : cells)
        fill(m_rows.value(QString::fromStdString(cell.name)), cell);
}

void SweepCellTable::fill(QTreeWidgetItem* item, const core::SweepCellResult& cell) const
{
    const auto percent = [](double fraction) {
        return std::isfinite(fraction) ? formatPercent(fraction) : QStringLiteral("–");
    };
    const bool ran = cell.status == core::CellStatus::Done || cell.seconds > 0.0;
    item->setText(MethodColumn, QString::fromStdString(cell.method));
    item->setText(SparsityColumn, formatPercent(cell.sparsity));
    item->setText(SeedColumn, QString::number(cell.seed));
    item->setText(StatusColumn, statusText(cell.status));
    item->setText(FinalColumn, percent(cell.finalAccuracy));
    item->setText(BestColumn, percent(cell.bestAccuracy));
    item->setText(AchievedColumn, percent(cell.achievedSparsity));
    item->setText(SecondsColumn, ran ? QString::number(cell.seconds, 'f', 1) : QStringLiteral("–"));
    for (int column = SparsityColumn; column < ColumnCount; ++column)
        item->setTextAlignment(column, column == StatusColumn ? Qt::AlignLeft | Qt::AlignVCenter
                                                              : Qt::AlignRight | Qt::AlignVCenter);
    const bool failed = cell.status == core::CellStatus::Failed;
    const QString why = failed ? tr("Failed: %1").arg(QString::fromStdString(cell.error)) : QString();
    QFont font = this->font();
    font.setBold(cell.status == core::CellStatus::Running);
    for (int column = 0; column < ColumnCount; ++column) {
        item->setToolTip(column, why.isEmpty() ? QString::fromStdString(cell.name) : why);
        item->setFont(column, font);
        item->setForeground(column, failed ? QBrush(warningColor())
                                    : cell.status == core::CellStatus::Pending ? palette().brush(QPalette::PlaceholderText)
                                                                               : palette().brush(QPalette::Text));
    }
}

} // namespace espalier::widgets
