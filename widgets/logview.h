#pragma once

#include <QPlainTextEdit>

namespace espalier::widgets {

/// Read-only, bounded log of session progress lines, steering events, warnings and errors, each
/// with a time stamp. Lives in: GUI thread.
class LogView : public QPlainTextEdit {
    Q_OBJECT
public:
    enum class Severity { Info, Warning, Error };
    static constexpr int kMaxLines = 5000;

    explicit LogView(QWidget* parent = nullptr);

    void appendMessage(const QString& text, Severity severity = Severity::Info);
    /// Every message appended so far that is still kept, as plain text (for tests and copying).
    [[nodiscard]] QString plainText() const { return toPlainText(); }
};

} // namespace espalier::widgets
