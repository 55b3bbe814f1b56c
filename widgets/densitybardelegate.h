#pragma once

#include <QStyledItemDelegate>

namespace espalier::widgets {

/// Draws a layer's density as a horizontal bar behind its text, coloured by the layer's status
/// (LayerTableModel::DensityRole and StatusRole). Lives in: GUI thread.
class DensityBarDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit DensityBarDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace espalier::widgets
