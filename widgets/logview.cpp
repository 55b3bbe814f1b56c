#include "widgets/logview.h"

#include <QFontDatabase>
#include <QScrollBar>
#include <QTextCharFormat>
#include <QTime>

#include "widgets/palette.h"

namespace espalier::widgets {

LogView::LogView(QWidget* parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setMaximumBlockCount(kMaxLines);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
}

void LogView::appendMessage(const QString& text, Severity severity)
{
    // Follow the tail only when the user has not scrolled up to read.
    QScrollBar* bar = verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();

    QTextCharFormat format;
    if (severity == Severity::Warning)
        format.setForeground(nearFloorColor().darker(130));
    else if (severity == Severity::Error)
        format.setForeground(warningColor());
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    if (!document()->isEmpty())
        cursor.insertBlock();
    cursor.insertText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + text, format);

    if (atEnd)
        bar->setValue(bar->maximum());
}

} // namespace espalier::widgets
