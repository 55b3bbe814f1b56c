#include "app/gui/sweepactions.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMessageBox>

#include "app/gui/newsweepdialog.h"
#include "app/gui/recipelocator.h"
#include "app/gui/sweepwindow.h"
#include "app/gui/windowsettings.h"

namespace espalier::app {

SweepActions::SweepActions(QMainWindow* window)
    : QObject(window), m_window(window), m_newSweep(new QAction(tr("New s&weep…"), this)),
      m_openSweep(new QAction(tr("Open swee&p…"), this))
{
    m_newSweep->setObjectName(QStringLiteral("newSweepAction"));
    m_newSweep->setToolTip(tr("Run one session per method, sparsity and seed and plot accuracy against sparsity"));
    m_openSweep->setObjectName(QStringLiteral("openSweepAction"));
    m_openSweep->setToolTip(tr("Show a sweep folder (the window's or espalier-cli sweep's) read-only"));
    connect(m_newSweep, &QAction::triggered, this, &SweepActions::newSweep);
    connect(m_openSweep, &QAction::triggered, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(m_window, tr("Open a sweep folder"),
                                                                 WindowSettings::sweepsFolder());
        if (!folder.isEmpty())
            openSweep(folder);
    });
}

QString SweepActions::defaultSweepFile()
{
    const QString recipe = RecipeLocator::defaultRecipePath();
    if (recipe.isEmpty())
        return {};
    const QDir sweeps(QFileInfo(recipe).dir().filePath(QStringLiteral("sweeps")));
    const QStringList files = sweeps.entryList({QStringLiteral("*.sweep.json")}, QDir::Files, QDir::Name);
    return files.isEmpty() ? QString() : sweeps.filePath(files.front());
}

void SweepActions::newSweep()
{
    auto* dialog = new NewSweepDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString file = defaultSweepFile();
    if (!file.isEmpty())
        dialog->setSweepFile(file);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (const auto spec = dialog->spec())
            runSweep(*spec, dialog->folder());
    });
    dialog->open();
}

SweepWindow* SweepActions::runSweep(const core::SweepSpec& spec, const QString& folder)
{
    auto* window = new SweepWindow(m_window);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->run(spec, folder);
    window->show();
    Q_EMIT logMessage(tr("Sweep %1 runs into %2").arg(QString::fromStdString(spec.name), folder), true);
    return window;
}

SweepWindow* SweepActions::openSweep(const QString& folder)
{
    QString error;
    SweepWindow* window = SweepWindow::open(folder, m_window, &error);
    if (!window) {
        auto* box = new QMessageBox(QMessageBox::Critical, tr("Espalier"),
                                    tr("Cannot open the sweep\n\n%1").arg(error), QMessageBox::Ok, m_window);
        box->setObjectName(QStringLiteral("sweepErrorBox"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        Q_EMIT logMessage(tr("Cannot open the sweep: %1").arg(error), false);
        return nullptr;
    }
    window->show();
    Q_EMIT logMessage(tr("Opened sweep %1").arg(folder), true);
    return window;
}

} // namespace espalier::app
