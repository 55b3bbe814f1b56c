#pragma once

#include <QString>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QPushButton;
class QSlider;

namespace espalier::widgets {

/// "What if I pruned to S with method M now?": a method, a sparsity slider and a Preview button.
/// The session answers with a point on the accuracy-vs-sparsity chart; nothing is committed.
/// Until the user touches it the panel follows the session's method and target.
/// Widgets: previewMethodCombo, previewSparsitySlider, previewSparsitySpin, previewButton.
/// Lives in: GUI thread.
class PreviewPanel : public QWidget {
    Q_OBJECT
public:
    explicit PreviewPanel(QWidget* parent = nullptr);

    /// The session's method and target sparsity (a fraction), shown while the user has not chosen.
    void setSessionDefaults(const QString& method, double targetSparsity);
    /// Previews need a loaded, running or paused session.
    void setAvailable(bool available);
    /// Forget the user's choice (a new session).
    void resetChoice();

    [[nodiscard]] QString method() const;
    [[nodiscard]] double sparsity() const; ///< a fraction

Q_SIGNALS:
    void previewRequested(const QString& method, double sparsity);

private:
    void setSparsityPercent(double percent);

    QComboBox* m_method;
    QSlider* m_slider;
    QDoubleSpinBox* m_spin;
    QPushButton* m_button;
    bool m_touched = false;
    bool m_filling = false;
};

} // namespace espalier::widgets
