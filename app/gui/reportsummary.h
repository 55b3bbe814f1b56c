#pragma once

#include <QWidget>

class QFormLayout;

namespace espalier::core {
struct SavedReport;
}

namespace espalier::app {

/// The header of a report as a form: file, when and by which version it was written, model, data,
/// method, seed, final sparsity (nominal and effective), kept weights, test accuracy against the
/// dense model, rounds. Values are labels named summary_<key> ("summary_sparsity").
/// Lives in: GUI thread.
class ReportSummary : public QWidget {
    Q_OBJECT
public:
    explicit ReportSummary(const core::SavedReport& report, QWidget* parent = nullptr);

    /// The value shown for `key` ("file", "model", "sparsity", "accuracy", ...), for tests.
    [[nodiscard]] QString fieldText(const QString& key) const;

private:
    void addField(const QString& key, const QString& label, const QString& value);

    QFormLayout* m_form;
};

} // namespace espalier::app
