#pragma once

#include <optional>

#include <QDialog>

#include "espalier/core/sweep.h"

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace espalier::app {

/// "New sweep": a sweep file or a plain recipe, the folder to write, and optionally the methods,
/// sparsities and seeds to run (empty: the file's) and "key=value" overrides, as espalier-cli
/// sweep takes them. The dialog reads and plans the sweep as the fields change and says how many
/// cells it has, or what is wrong; OK only closes on a sweep that plans. Lives in: GUI thread.
class NewSweepDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewSweepDialog(QWidget* parent = nullptr);

    /// Selects the sweep file and, unless the user typed a folder, suggests a fresh one for it
    /// under WindowSettings::sweepsFolder().
    void setSweepFile(const QString& path);
    void setFolder(const QString& folder);

    /// The sweep the form describes, read and planned now; nullopt with errorText() set otherwise.
    [[nodiscard]] std::optional<core::SweepSpec> spec();
    [[nodiscard]] QString folder() const;
    /// What is wrong with the form ("" when the sweep plans).
    [[nodiscard]] QString errorText() const { return m_error; }

public Q_SLOTS:
    void accept() override;

private:
    void updateSummary();

    QLineEdit* m_file;
    QLineEdit* m_folder;
    QLineEdit* m_methods;
    QLineEdit* m_sparsities;
    QLineEdit* m_seeds;
    QLineEdit* m_overrides;
    QLabel* m_summary;
    QDialogButtonBox* m_buttons;
    QString m_error;
    std::size_t m_cellCount = 0; // of the sweep spec() planned last
    bool m_folderEdited = false; // the user typed or chose a folder: keep it
};

} // namespace espalier::app
