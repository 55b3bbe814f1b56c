#include "app/gui/exportactions.h"

#include <vector>

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>

#include "app/gui/sessioncontroller.h"
#include "app/gui/windowsettings.h"

namespace espalier::app {

namespace {

/// One entry of the Export menu. File names are the ones espalier-cli run writes.
struct ExportChoice {
    core::SaveKind kind;
    bool withScores;
    QString label;
    QString fileName;
    QString filter;
    QString objectName;
    QString toolTip;
};

std::vector<ExportChoice> exportChoices()
{
    using Kind = core::SaveKind;
    const QString masksFilter = ExportActions::tr("Espalier masks (*.h5)");
    return {
        {Kind::Report, false, ExportActions::tr("&Report (report.h5)…"), QStringLiteral("report.h5"),
         ExportActions::tr("Espalier reports (*.h5)"), QStringLiteral("exportReportAction"),
         ExportActions::tr("Layers, masks, rounds, epochs, curve and the replayable recipe so far")},
        {Kind::Model, false, ExportActions::tr("&Model (TorchScript .pt)…"), QStringLiteral("model.pt"),
         ExportActions::tr("TorchScript models (*.pt)"), QStringLiteral("exportModelAction"),
         ExportActions::tr("The model with the masks folded in; torch.jit.load reads it")},
        {Kind::SmallerModel, false, ExportActions::tr("Smaller model after the channel c&ut (.pt)…"),
         QStringLiteral("model-smaller.pt"), ExportActions::tr("TorchScript models (*.pt)"),
         QStringLiteral("exportSmallerModelAction"),
         ExportActions::tr("The dense model without the channels the recipe's channel cut removed: smaller and "
                           "faster, same outputs")},
        {Kind::Masks, false, ExportActions::tr("M&asks (masks.h5)…"), QStringLiteral("masks.h5"), masksFilter,
         QStringLiteral("exportMasksAction"), ExportActions::tr("One uint8 mask per prunable tensor")},
        {Kind::Masks, true, ExportActions::tr("Masks with &scores (masks.h5)…"), QStringLiteral("masks.h5"),
         masksFilter, QStringLiteral("exportMasksWithScoresAction"),
         ExportActions::tr("The masks and the scores of the last scoring pass")},
        {Kind::SparseCheckpoint, false, ExportActions::tr("S&parse checkpoint (checkpoint.h5)…"),
         QStringLiteral("checkpoint.h5"), ExportActions::tr("Espalier sparse checkpoints (*.h5)"),
         QStringLiteral("exportCheckpointAction"),
         ExportActions::tr("The model as bitmasks and kept values: shrinks with sparsity, lossless")},
        {Kind::LayerCsv, false, ExportActions::tr("&Layer statistics (layers.csv)…"), QStringLiteral("layers.csv"),
         ExportActions::tr("CSV files (*.csv)"), QStringLiteral("exportLayerCsvAction"),
         ExportActions::tr("One row per prunable tensor: shape, kept, density, floor, lock")},
        {Kind::Session, false, ExportActions::tr("S&ession to continue later (session.h5)…"),
         QStringLiteral("session.h5"), ExportActions::tr("Espalier sessions (*.h5)"),
         QStringLiteral("exportSessionAction"),
         ExportActions::tr("Everything to continue from the last finished epoch: File ▸ Open session… or "
                           "espalier-cli resume")},
    };
}

QString kindText(const core::SaveRequest& request)
{
    if (request.kind == core::SaveKind::Masks && request.withScores)
        return ExportActions::tr("masks and scores");
    return QString::fromLatin1(core::toString(request.kind));
}

} // namespace

ExportActions::ExportActions(SessionController* controller, QMainWindow* window)
    : QObject(window), m_controller(controller), m_window(window), m_menu(new QMenu(tr("&Export"), window))
{
    m_menu->setObjectName(QStringLiteral("exportMenu"));
    for (const ExportChoice& choice : exportChoices()) {
        QAction* action = m_menu->addAction(choice.label);
        action->setObjectName(choice.objectName);
        action->setToolTip(choice.toolTip);
        connect(action, &QAction::triggered, this, [this, choice] {
            chooseAndExport(choice.kind, choice.withScores, choice.fileName, choice.filter);
        });
    }
    m_menu->setToolTipsVisible(true);
    connect(m_menu, &QMenu::aboutToShow, this, &ExportActions::updateEnabled);
    connect(controller, &SessionController::prepared, this, &ExportActions::updateEnabled);
    connect(controller, &SessionController::stateChanged, this, &ExportActions::updateEnabled);
    connect(controller, &SessionController::saved, this, &ExportActions::onSaved);
    updateEnabled();
}

void ExportActions::updateEnabled()
{
    const bool enabled = m_controller->hasSession();
    for (QAction* action : m_menu->actions())
        action->setEnabled(enabled);
}

void ExportActions::chooseAndExport(core::SaveKind kind, bool withScores, const QString& fileName,
                                    const QString& filter)
{
    const QString folder = WindowSettings::fileFolder();
    const QString suggested = QDir(folder.isEmpty() ? QDir::currentPath() : folder).filePath(fileName);
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Export"), suggested, filter);
    if (path.isEmpty())
        return;
    WindowSettings::setFileFolder(path);
    exportTo(core::SaveRequest{kind, QFile::encodeName(path).toStdString(), withScores});
}

void ExportActions::exportTo(const core::SaveRequest& request)
{
    m_window->statusBar()->showMessage(
        tr("Saving %1 to %2…").arg(kindText(request), QFile::decodeName(request.path.c_str())));
    m_controller->requestSave(request);
}

void ExportActions::onSaved(const core::SaveResult& result)
{
    const QString path = QFile::decodeName(result.request.path.c_str());
    if (result.error.empty()) {
        const QString message = tr("Saved %1 to %2").arg(kindText(result.request), path);
        m_window->statusBar()->showMessage(message, 10000);
        Q_EMIT exported(message, true);
        return;
    }
    const QString message = tr("Cannot save the %1 to %2\n\n%3")
                                .arg(kindText(result.request), path, QString::fromStdString(result.error));
    m_window->statusBar()->showMessage(tr("Saving %1 failed").arg(path), 10000);
    // Window-modal and asynchronous: a running session keeps updating behind it.
    auto* box = new QMessageBox(QMessageBox::Critical, tr("Espalier"), message, QMessageBox::Ok, m_window);
    box->setObjectName(QStringLiteral("exportErrorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    Q_EMIT exported(message, false);
}

} // namespace espalier::app
