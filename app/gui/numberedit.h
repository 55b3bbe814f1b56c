#pragma once

#include <QLineEdit>

namespace espalier::app {

/// A line edit for a real number that round-trips exactly: it shows the shortest text that reads
/// back to the same double and accepts "0.001" or "1e-3" (C locale). There is no range: the core's
/// validator judges the value and names the key. Text that is not a number reads as NaN, which the
/// validator rejects. Lives in: GUI thread.
class NumberEdit : public QLineEdit {
    Q_OBJECT
public:
    explicit NumberEdit(QWidget* parent = nullptr);

    void setValue(double value);
    /// The number typed, or NaN when the text is not one.
    [[nodiscard]] double value() const;
};

} // namespace espalier::app
