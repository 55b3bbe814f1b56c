#include "widgets/densitybardelegate.h"

#include <algorithm>

#include <QApplication>
#include <QPainter>

#include "widgets/layertablemodel.h"
#include "widgets/palette.h"

namespace espalier::widgets {

DensityBarDelegate::DensityBarDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

void DensityBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                               const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget); // background, selection

    const double density = std::clamp(index.data(LayerTableModel::DensityRole).toDouble(), 0.0, 1.0);
    const auto status = LayerStatus(index.data(LayerTableModel::StatusRole).toInt());
    const QRect area = opt.rect.adjusted(2, 3, -2, -3);
    // A sliver stays visible for 0.4 % so that very sparse layers do not look empty.
    const int width = density > 0.0 ? std::max(2, int(area.width() * density)) : 0;

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    QColor bar = statusColor(status);
    bar.setAlpha(110);
    painter->fillRect(QRect(area.left(), area.top(), width, area.height()), bar);
    painter->setPen(opt.state & QStyle::State_Selected ? opt.palette.highlightedText().color()
                                                       : opt.palette.text().color());
    painter->drawText(area.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter, text);
    painter->restore();
}

QSize DensityBarDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(std::max(size.width(), 110));
    return size;
}

} // namespace espalier::widgets
