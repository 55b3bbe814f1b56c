#include "app/gui/reportcurve.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "espalier/core/inspect.h"

namespace espalier::app {

std::optional<ReportCurve> readReportCurve(const QString& path, QString* error)
{
    QJsonObject report;
    try {
        // The core's inspector reads and validates the file; its JSON is the stable, documented view.
        report = QJsonDocument::fromJson(QByteArray::fromStdString(core::inspectFileJson(path.toStdString()))).object();
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return std::nullopt;
    }
    const QJsonObject curve = report.value(QStringLiteral("curve")).toObject();
    ReportCurve out;
    for (const QJsonValue& v : curve.value(QStringLiteral("sparsity")).toArray())
        out.sparsity.push_back(v.toDouble());
    for (const QJsonValue& v : curve.value(QStringLiteral("accuracy")).toArray())
        out.accuracy.push_back(v.toDouble());
    if (out.sparsity.empty() || out.sparsity.size() != out.accuracy.size()) {
        if (error)
            *error = QCoreApplication::translate("ReportCurve", "%1 has no accuracy-vs-sparsity curve (is it a masks file?)")
                         .arg(path);
        return std::nullopt;
    }
    return out;
}

} // namespace espalier::app
