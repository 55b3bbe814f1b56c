#include "app/gui/newsweepdialog.h"

#include <stdexcept>
#include <type_traits>

#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "app/gui/pruningworker.h"
#include "app/gui/windowsettings.h"

namespace espalier::app {
namespace {

QStringList listItems(const QString& text)
{
    static const QRegularExpression kSeparators(QStringLiteral("[,;\\s]+"));
    return text.split(kSeparators, Qt::SkipEmptyParts);
}

/// The numbers of a list field; throws std::invalid_argument naming the field and the item.
template <class Number>
std::vector<Number> numbers(const QLineEdit* field, const QString& fieldName)
{
    std::vector<Number> out;
    for (const QString& item : listItems(field->text())) {
        bool ok = false;
        if constexpr (std::is_floating_point_v<Number>)
            out.push_back(item.toDouble(&ok));
        else
            out.push_back(item.toULongLong(&ok));
        if (!ok)
            throw std::invalid_argument(
                NewSweepDialog::tr("%1: “%2” is not a number").arg(fieldName, item).toStdString());
    }
    return out;
}

std::vector<std::string> strings(const QStringList& items)
{
    std::vector<std::string> out;
    for (const QString& item : items)
        out.push_back(item.toStdString());
    return out;
}

} // namespace

NewSweepDialog::NewSweepDialog(QWidget* parent)
    : QDialog(parent), m_methods(new QLineEdit(this)), m_sparsities(new QLineEdit(this)), m_seeds(new QLineEdit(this)),
      m_overrides(new QLineEdit(this)), m_summary(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("newSweepDialog"));
    setWindowTitle(tr("New sweep"));
    auto* form = new QFormLayout;
    const auto pathRow = [this, form](const QString& label, const QString& name, bool isFolder) {
        auto* edit = new QLineEdit(this);
        edit->setObjectName(name);
        auto* browse = new QPushButton(tr("Browse…"), this);
        browse->setObjectName(name + QStringLiteral("Browse"));
        connect(browse, &QPushButton::clicked, this, [this, edit, isFolder] {
            const QString chosen =
                isFolder ? QFileDialog::getExistingDirectory(this, tr("Sweep folder"), edit->text())
                         : QFileDialog::getOpenFileName(this, tr("Sweep file or recipe"), edit->text(),
                                                        tr("Sweeps and recipes (*.json);;All files (*)"));
            if (chosen.isEmpty())
                return;
            if (isFolder)
                setFolder(chosen);
            else
                setSweepFile(chosen);
        });
        auto* row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(browse);
        form->addRow(label, row);
        return edit;
    };
    m_file = pathRow(tr("Sweep &file:"), QStringLiteral("sweepFileEdit"), false);
    m_file->setToolTip(tr("A sweep file (*.sweep.json: methods, sparsities, seeds) or a plain recipe"));
    m_folder = pathRow(tr("&Output folder:"), QStringLiteral("folderEdit"), true);
    m_folder->setToolTip(tr("Cells, summary.csv and summary.h5 go here; a folder of the same sweep continues it"));
    const auto listRow = [this, form](QLineEdit* edit, const QString& label, const QString& name,
                                      const QString& placeholder) {
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        form->addRow(label, edit);
    };
    listRow(m_methods, tr("&Methods:"), QStringLiteral("methodsEdit"), tr("those of the file, e.g. magnitude,snip"));
    listRow(m_sparsities, tr("&Sparsities:"), QStringLiteral("sparsitiesEdit"), tr("those of the file, e.g. 0.9,0.98"));
    listRow(m_seeds, tr("S&eeds:"), QStringLiteral("seedsEdit"), tr("those of the file, e.g. 0,1,2"));
    listRow(m_overrides, tr("O&verrides:"), QStringLiteral("overridesEdit"),
            tr("key=value for every cell, e.g. train.epochs=1"));

    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_buttons->setObjectName(QStringLiteral("buttonBox"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Run sweep"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewSweepDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &NewSweepDialog::reject);
    connect(m_folder, &QLineEdit::textEdited, this, [this] { m_folderEdited = true; });
    for (QLineEdit* edit : {m_file, m_folder, m_methods, m_sparsities, m_seeds, m_overrides})
        connect(edit, &QLineEdit::textChanged, this, &NewSweepDialog::updateSummary);
    resize(640, sizeHint().height());
    updateSummary();
}

void NewSweepDialog::setSweepFile(const QString& path)
{
    m_file->setText(path);
    if (m_folderEdited)
        return;
    // ".sweep.json" and ".json" both go: "methods-98.sweep.json" -> "methods-98".
    const QString stem = QFileInfo(path).fileName().section(QLatin1Char('.'), 0, 0);
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    m_folder->setText(QDir(WindowSettings::sweepsFolder()).filePath(stem + QLatin1Char('-') + stamp));
}

void NewSweepDialog::setFolder(const QString& folder)
{
    m_folderEdited = true;
    m_folder->setText(folder);
}

QString NewSweepDialog::folder() const { return m_folder->text().trimmed(); }

std::optional<core::SweepSpec> NewSweepDialog::spec()
{
    m_error.clear();
    if (m_file->text().trimmed().isEmpty())
        m_error = tr("Choose a sweep file or a recipe");
    else if (folder().isEmpty())
        m_error = tr("Choose the folder the sweep writes");
    if (!m_error.isEmpty())
        return std::nullopt;
    try {
        core::SweepSpec spec = core::loadSweepSpec(QFile::encodeName(m_file->text().trimmed()).toStdString(),
                                                   strings(listItems(m_overrides->text())));
        core::selectSweepCells(spec, strings(listItems(m_methods->text())),
                               numbers<double>(m_sparsities, tr("Sparsities")),
                               numbers<std::uint64_t>(m_seeds, tr("Seeds")));
        m_cellCount = core::planSweep(spec).size(); // every cell's recipe is valid
        return spec;
    } catch (const std::exception& error) {
        m_error = errorMessage(error);
    }
    return std::nullopt;
}

void NewSweepDialog::updateSummary()
{
    const auto planned = spec();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(planned.has_value());
    m_summary->setStyleSheet(planned ? QString() : QStringLiteral("color: #b71c1c;"));
    if (!planned) {
        m_summary->setText(m_error);
        return;
    }
    const auto count = [](std::size_t n, const QString& one, const QString& many) {
        return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
    };
    m_summary->setText(tr("%1: %2 × %3 × %4 = %5")
                           .arg(QString::fromStdString(planned->name),
                                count(planned->methods.size(), tr("method"), tr("methods")),
                                count(planned->sparsities.size(), tr("sparsity"), tr("sparsities")),
                                count(planned->seeds.size(), tr("seed"), tr("seeds")),
                                count(m_cellCount, tr("cell"), tr("cells"))));
}

void NewSweepDialog::accept()
{
    updateSummary();
    if (m_error.isEmpty())
        QDialog::accept();
}

} // namespace espalier::app
