#include "widgets/collapsepanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "widgets/format.h"
#include "widgets/palette.h"

namespace espalier::widgets {
namespace {

std::string keyOf(const core::CollapseWarning& w)
{
    return std::to_string(w.round) + '\n' + w.layer + '\n' + w.action + '\n' + w.message;
}

} // namespace

CollapsePanel::CollapsePanel(QWidget* parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_list(new QTreeWidget(this)),
      m_empty(new QLabel(tr("no layer collapse so far"), this))
{
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setToolTip(tr("Nominal: the fraction of prunable weights that are zero by mask.\n"
                             "Effective: the same, also counting kept weights that no longer lie on any "
                             "input→output path as pruned (they cannot influence the output)."));
    m_list->setObjectName(QStringLiteral("warningList"));
    m_list->setToolTip(tr("Collapse warnings of the dry run before each mask, newest first. "
                          "Double-click one to select its layer."));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Round"), tr("Layer"), tr("Policy"), tr("Action")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(LayerColumn, QHeaderView::Stretch);
    m_empty->setObjectName(QStringLiteral("emptyLabel"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setToolTip(tr("No round so far would have pruned a layer away or cut every input→output path"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_empty, 1);

    connect(m_list, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        const QString layer = item->data(0, LayerRole).toString();
        if (!layer.isEmpty())
            Q_EMIT warningActivated(layer);
    });
    clear();
}

void CollapsePanel::setSnapshot(const core::Snapshot& snapshot)
{
    if (snapshot.sparsity != m_nominal || snapshot.effectiveSparsity != m_effective) {
        m_nominal = snapshot.sparsity;
        m_effective = snapshot.effectiveSparsity;
        m_summary->setText(tr("nominal sparsity %1 · effective %2")
                               .arg(formatPercent(m_nominal), formatPercent(m_effective)));
    }
    const auto& warnings = snapshot.collapseWarnings;
    const std::string lastKey = warnings.empty() ? std::string() : keyOf(warnings.back());
    if (warnings.size() == m_count && lastKey == m_lastKey)
        return;
    // Warnings only ever get appended within a session; anything else is a new list.
    const bool appended = warnings.size() > m_count
                          && (m_count == 0 || keyOf(warnings[m_count - 1]) == m_lastKey);
    if (!appended)
        m_list->clear();
    for (std::size_t i = appended ? m_count : 0; i < warnings.size(); ++i)
        insertWarning(warnings[i]);
    m_count = warnings.size();
    m_lastKey = lastKey;
    updateEmptyState();
}

void CollapsePanel::clear()
{
    m_list->clear();
    m_count = 0;
    m_lastKey.clear();
    m_nominal = m_effective = -1.0;
    m_summary->setText(tr("nominal sparsity – · effective –"));
    updateEmptyState();
}

void CollapsePanel::insertWarning(const core::CollapseWarning& warning)
{
    const QString layer = QString::fromStdString(warning.layer);
    auto* item = new QTreeWidgetItem;
    item->setText(RoundColumn, QString::number(warning.round));
    item->setText(LayerColumn, layer.isEmpty() ? tr("whole network") : layer);
    item->setText(PolicyColumn, QString::fromStdString(warning.policy));
    item->setText(ActionColumn, QString::fromStdString(warning.action));
    item->setTextAlignment(RoundColumn, Qt::AlignRight | Qt::AlignVCenter);
    const QString message = QString::fromStdString(warning.message);
    for (int column = 0; column < ColumnCount; ++column) {
        item->setData(column, LayerRole, layer);
        item->setToolTip(column, message);
    }
    if (layer.isEmpty()) {
        QFont font = item->font(LayerColumn);
        font.setItalic(true); // not a layer name: nothing to select
        item->setFont(LayerColumn, font);
    }
    if (warning.action == "blocked") {
        item->setForeground(ActionColumn, warningColor());
    } else if (warning.action == "clamped") {
        item->setForeground(ActionColumn, nearFloorColor());
    } else if (warning.action == "allowed") {
        item->setForeground(ActionColumn, warningColor());
        QFont font = item->font(ActionColumn);
        font.setItalic(true); // it happened: the layer really collapsed
        item->setFont(ActionColumn, font);
    }
    m_list->insertTopLevelItem(0, item); // newest first
}

void CollapsePanel::updateEmptyState()
{
    m_list->setVisible(m_count > 0);
    m_empty->setVisible(m_count == 0);
}

} // namespace espalier::widgets
