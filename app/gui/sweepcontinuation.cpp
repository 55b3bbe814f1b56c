#include "app/gui/sweepcontinuation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/gui/pruningworker.h"

namespace espalier::app {

std::optional<core::SweepSpec> sweepToContinue(const QString& folder, QString* why)
{
    const auto fail = [why](const QString& reason) {
        if (why)
            *why = reason;
        return std::nullopt;
    };
    const QString planPath = QDir(folder).filePath(QStringLiteral("sweep.json"));
    QFile file(planPath);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QObject::tr("%1 cannot be read: %2").arg(planPath, file.errorString()));
    const QJsonObject plan = QJsonDocument::fromJson(file.readAll()).object();
    const QString source = plan.value(QStringLiteral("source")).toString();
    if (source.isEmpty())
        return fail(QObject::tr("%1 does not name the sweep file it was made from").arg(planPath));
    if (!QFileInfo(source).isFile())
        return fail(QObject::tr("the sweep file %1 that %2 was made from is gone").arg(source, folder));

    const auto strings = [&plan](const char* key) {
        std::vector<std::string> out;
        for (const QJsonValue& value : plan.value(QLatin1String(key)).toArray())
            out.push_back(value.toString().toStdString());
        return out;
    };
    std::vector<double> sparsities;
    for (const QJsonValue& value : plan.value(QStringLiteral("sparsities")).toArray())
        sparsities.push_back(value.toDouble());
    std::vector<std::uint64_t> seeds;
    for (const QJsonValue& value : plan.value(QStringLiteral("seeds")).toArray())
        seeds.push_back(std::uint64_t(value.toInteger()));
    try {
        core::SweepSpec spec = core::loadSweepSpec(QFile::encodeName(source).toStdString(), strings("overrides"));
        core::selectSweepCells(spec, strings("methods"), sparsities, seeds);
        spec.sharePretraining = plan.value(QStringLiteral("share_pretraining")).toBool(true);
        return spec;
    } catch (const std::exception& error) {
        return fail(errorMessage(error));
    }
}

} // namespace espalier::app
