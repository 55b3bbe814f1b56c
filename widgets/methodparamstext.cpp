#include "widgets/methodparamstext.h"

#include <cmath>

#include <QCoreApplication>
#include <QLocale>
#include <QRegularExpression>
#include <QStringList>

namespace espalier::widgets {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("espalier", text); }

} // namespace

QString formatMethodParams(const std::map<std::string, double>& params)
{
    QStringList pairs;
    for (const auto& [name, value] : params)
        pairs << QString::fromStdString(name) + QLatin1Char('=')
                     + QLocale::c().toString(value, 'g', QLocale::FloatingPointShortest);
    return pairs.join(QStringLiteral(", "));
}

ParsedMethodParams parseMethodParams(const QString& text)
{
    static const QRegularExpression kSeparator(QStringLiteral("[,;]"));
    static const QRegularExpression kName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    ParsedMethodParams out;
    for (const QString& rawPair : text.split(kSeparator)) {
        const QString pair = rawPair.trimmed();
        if (pair.isEmpty())
            continue; // "a=1," or ", ," are harmless
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        if (equals < 0) {
            out.error = tr("\"%1\" is not name=value").arg(pair);
            break;
        }
        const QString name = pair.left(equals).trimmed();
        const QString valueText = pair.mid(equals + 1).trimmed();
        if (!kName.match(name).hasMatch()) {
            out.error = tr("\"%1\": \"%2\" is not a parameter name").arg(pair, name);
            break;
        }
        bool ok = false;
        const double value = QLocale::c().toDouble(valueText, &ok); // "1e-3" and "0.001", never "0,001"
        if (!ok || !std::isfinite(value)) {
            out.error = tr("\"%1\": \"%2\" is not a number").arg(pair, valueText);
            break;
        }
        if (!out.params.emplace(name.toStdString(), value).second) {
            out.error = tr("%1 is given twice").arg(name);
            break;
        }
    }
    if (!out.ok())
        out.params.clear();
    return out;
}

} // namespace espalier::widgets
