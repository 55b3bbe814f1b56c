#pragma once

class QTreeWidget;

namespace espalier::widgets {

/// The look of the read-only record tables (rounds of a session, cells of a sweep): flat rows of
/// equal height, one selectable at a time, nothing editable, columns as wide as their contents.
void applyRecordTableStyle(QTreeWidget* table);

} // namespace espalier::widgets
