#include "widgets/recordtable.h"

#include <QHeaderView>
#include <QTreeWidget>

namespace espalier::widgets {

void applyRecordTableStyle(QTreeWidget* table)
{
    table->setRootIsDecorated(false);
    table->setUniformRowHeights(true);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->header()->setStretchLastSection(false);
    table->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
}

} // namespace espalier::widgets
