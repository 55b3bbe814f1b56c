#include "widgets/chartexport.h"

#include <cmath>
#include <utility>

#include <qcustomplot.h>

#include <QAction>
#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QSvgGenerator>
#include <QTemporaryFile>

namespace espalier::widgets {
namespace {

class ClippedBars : public QCPBars {
public:
    using QCPBars::QCPBars;

protected:
    void draw(QCPPainter* painter) override
    {
        if (!keyAxis() || !valueAxis() || data()->isEmpty())
            return;
        const QRectF frame = clipRect();
        painter->setBrush(brush());
        painter->setPen(pen());
        applyDefaultAntialiasingHint(painter);
        QCPBarsDataContainer::const_iterator begin, end;
        getVisibleDataBounds(begin, end);
        for (auto it = begin; it != end; ++it) {
            const QRectF bar = getBarRect(it->key, it->value).normalized().intersected(frame);
            if (!bar.isEmpty())
                painter->drawPolygon(QPolygonF(bar));
        }
    }
};

QString tr(const char* text)
{
    return QCoreApplication::translate("espalier::widgets::ChartExport", text);
}

bool fail(QString* error, const QString& path, const QString& reason)
{
    if (error)
        *error = tr("Could not save “%1”: %2").arg(QDir::toNativeSeparators(path), reason);
    return false;
}

bool saveBytes(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, path, file.errorString());
    if (file.write(bytes) != bytes.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return fail(error, path, reason);
    }
    if (!file.commit())
        return fail(error, path, file.errorString());
    return true;
}

QByteArray renderSvg(QCustomPlot* plot, const QString& title)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(plot->size());
    generator.setViewBox(QRect(QPoint(0, 0), plot->size()));
    generator.setResolution(plot->logicalDpiX()); // so the SVG's millimetres match the screen
    generator.setTitle(title);
    generator.setDescription(tr("Chart exported by Espalier"));
    QCPPainter painter;
    if (!painter.begin(&generator))
        return {};
    painter.setMode(QCPPainter::pmVectorized); // as savePdf does: no pixmap caches in a vector file
    plot->toPainter(&painter, plot->width(), plot->height());
    painter.end();
    return buffer.data();
}

// savePng and savePdf only write to a file name; render into a scratch file, then replace the
// target atomically like every other export.
QByteArray renderThroughFile(QCustomPlot* plot, const QString& suffix, const QString& title, QString* reason)
{
    QTemporaryFile scratch(QDir::temp().filePath(QStringLiteral("espalier-chart-XXXXXX.") + suffix));
    if (!scratch.open()) {
        *reason = scratch.errorString();
        return {};
    }
    scratch.close();
    const bool ok = suffix == QLatin1String("png")
        ? plot->savePng(scratch.fileName(), plot->width(), plot->height(), /*scale=*/1.0)
        : plot->savePdf(scratch.fileName(), plot->width(), plot->height(), QCP::epAllowCosmetic,
                        QStringLiteral("Espalier " ESPALIER_VERSION), title);
    QFile rendered(scratch.fileName());
    if (!ok || !rendered.open(QIODevice::ReadOnly)) {
        *reason = tr("the chart could not be rendered as %1").arg(suffix.toUpper());
        return {};
    }
    return rendered.readAll();
}

QString& lastDirectory()
{
    static QString directory = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return directory;
}

QString safeStem(QString stem)
{
    static const QRegularExpression unsafe(QStringLiteral(R"([\\/:*?"<>|\s]+)"));
    stem.replace(unsafe, QStringLiteral("_"));
    return stem.isEmpty() ? QStringLiteral("chart") : stem;
}

// Asks for a path; a name typed without the suffix gets it (non-native dialogs do not add it).
QString askPath(QWidget* parent, const QString& title, const QString& filter, const QString& stem,
                const QString& suffix)
{
    const QString proposal = QDir(lastDirectory()).filePath(safeStem(stem) + QLatin1Char('.') + suffix);
    QString path = QFileDialog::getSaveFileName(parent, title, proposal, filter);
    if (path.isEmpty())
        return {};
    if (QFileInfo(path).suffix().compare(suffix, Qt::CaseInsensitive) != 0)
        path += QLatin1Char('.') + suffix;
    lastDirectory() = QFileInfo(path).absolutePath();
    return path;
}

void report(QWidget* parent, bool ok, const QString& error)
{
    if (!ok)
        QMessageBox::warning(parent, tr("Export failed"), error);
}

} // namespace

QCPBars* makeClippedBars(QCPAxis* keyAxis, QCPAxis* valueAxis)
{
    return new ClippedBars(keyAxis, valueAxis);
}

bool exportChart(QCustomPlot* plot, const QString& path, QString* error)
{
    if (!plot)
        return fail(error, path, tr("there is no chart"));
    if (plot->width() <= 0 || plot->height() <= 0)
        return fail(error, path, tr("the chart has no size"));
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QString title = QFileInfo(path).completeBaseName();
    QByteArray bytes;
    QString reason;
    if (suffix == QLatin1String("svg")) {
        bytes = renderSvg(plot, title);
        reason = tr("the chart could not be rendered as SVG");
    } else if (suffix == QLatin1String("png") || suffix == QLatin1String("pdf")) {
        bytes = renderThroughFile(plot, suffix, title, &reason);
    } else {
        reason = tr("unknown image type “.%1” (use .png, .svg or .pdf)").arg(suffix);
    }
    if (bytes.isEmpty())
        return fail(error, path, reason);
    return saveBytes(path, bytes, error);
}

bool saveText(const QString& path, const QString& text, QString* error)
{
    return saveBytes(path, text.toUtf8(), error);
}

QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n'))
        && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString csvNumber(double value)
{
    if (std::isnan(value))
        return {};
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QMenu* installExportMenu(QCustomPlot* plot, ChartExportOptions options)
{
    auto* menu = new QMenu(plot);
    menu->setObjectName(QStringLiteral("chartExportMenu"));
    const auto stem = [fileStem = options.fileStem] { return fileStem ? fileStem() : QString(); };

    const auto addImageAction = [&](const char* name, const QString& text, const QString& filter,
                                    const QString& suffix) {
        QAction* action = menu->addAction(text);
        action->setObjectName(QLatin1String(name));
        QObject::connect(action, &QAction::triggered, plot, [plot, text, filter, suffix, stem] {
            const QString path = askPath(plot, text, filter, stem(), suffix);
            QString error;
            if (!path.isEmpty())
                report(plot, exportChart(plot, path, &error), error);
        });
    };
    addImageAction("savePngAction", tr("Save image as PNG…"), tr("PNG image (*.png)"), QStringLiteral("png"));
    addImageAction("saveSvgAction", tr("Save image as SVG…"), tr("SVG image (*.svg)"), QStringLiteral("svg"));
    addImageAction("savePdfAction", tr("Save image as PDF…"), tr("PDF document (*.pdf)"), QStringLiteral("pdf"));

    if (options.csv) {
        menu->addSeparator();
        QAction* action = menu->addAction(tr("Save data as CSV…"));
        action->setObjectName(QStringLiteral("saveCsvAction"));
        QObject::connect(action, &QAction::triggered, plot, [plot, stem, csv = std::move(options.csv)] {
            const QString path = askPath(plot, tr("Save data as CSV…"), tr("CSV file (*.csv)"), stem(),
                                         QStringLiteral("csv"));
            QString error;
            if (!path.isEmpty())
                report(plot, saveText(path, csv(), &error), error);
        });
    }

    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(plot, &QWidget::customContextMenuRequested, menu,
                     [plot, menu](const QPoint& pos) { menu->popup(plot->mapToGlobal(pos)); });
    return menu;
}

} // namespace espalier::widgets
