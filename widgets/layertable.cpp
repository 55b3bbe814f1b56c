#include "widgets/layertable.h"

#include <QApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPainter>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

#include "widgets/densitybardelegate.h"
#include "widgets/layertablemodel.h"

namespace espalier::widgets {
namespace {

/// Draws the lock check box greyed while it cannot be toggled. The cell itself stays enabled: a
/// disabled cell would leave a gap in the selected row's highlight. Lives in: GUI thread.
class LockDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        if (index.flags() & Qt::ItemIsUserCheckable) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
        QStyleOptionViewItem check = opt;
        check.rect = style->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &opt, opt.widget);
        check.state &= ~QStyle::State_Enabled;
        check.palette.setCurrentColorGroup(QPalette::Disabled); // styles paint with the group they get
        check.state |= opt.checkState == Qt::Checked ? QStyle::State_On : QStyle::State_Off;
        opt.features &= ~QStyleOptionViewItem::HasCheckIndicator;
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget); // background, selection
        style->drawPrimitive(QStyle::PE_IndicatorItemViewItemCheck, &check, painter, opt.widget);
    }
};

} // namespace

LayerTable::LayerTable(QWidget* parent)
    : QWidget(parent), m_model(new LayerTableModel(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(LayerTableModel::SortRole);
    // Re-sorting on every snapshot would make rows jump under the mouse; sort on header clicks.
    m_proxy->setDynamicSortFilter(false);

    m_view->setObjectName(QStringLiteral("layerTableView"));
    m_model->setObjectName(QStringLiteral("layerTableModel"));
    m_view->setModel(m_proxy);
    m_view->setItemDelegateForColumn(LayerTableModel::DensityColumn, new DensityBarDelegate(m_view));
    m_view->setItemDelegateForColumn(LayerTableModel::LockColumn, new LockDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // network order until the user sorts
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(LayerTableModel::DensityColumn, QHeaderView::Stretch);
    header->setMinimumSectionSize(60);
    // In a narrow dock what matters comes first: status and density; shape and size go last.
    header->moveSection(header->visualIndex(LayerTableModel::StatusColumn), 1);
    header->moveSection(header->visualIndex(LayerTableModel::ShapeColumn), LayerTableModel::ColumnCount - 1);
    header->moveSection(header->visualIndex(LayerTableModel::ParametersColumn), LayerTableModel::ColumnCount - 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LayerTable::onCurrentChanged);
    connect(m_model, &LayerTableModel::lockToggled, this, &LayerTable::lockToggled);
    connect(m_model, &LayerTableModel::floorEdited, this, &LayerTable::floorEdited);
}

void LayerTable::setEditable(bool editable)
{
    m_model->setEditable(editable); // an editor still open then commits nothing (setData refuses)
}

void LayerTable::setLayers(const std::vector<core::LayerStats>& layers)
{
    const QString selected = selectedLayer();
    m_model->setLayers(layers);
    if (!selected.isEmpty() && selectedLayer() != selected)
        selectLayer(selected); // a reset dropped the selection; keep it if the layer still exists
}

void LayerTable::selectLayer(const QString& name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_selecting = true;
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect
                                                         | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    m_selecting = false;
}

QString LayerTable::selectedLayer() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid())
        return {};
    return m_proxy->mapToSource(current).siblingAtColumn(LayerTableModel::NameColumn).data().toString();
}

void LayerTable::onCurrentChanged()
{
    if (m_selecting)
        return;
    const QString name = selectedLayer();
    if (!name.isEmpty())
        Q_EMIT layerSelected(name);
}

} // namespace espalier::widgets
