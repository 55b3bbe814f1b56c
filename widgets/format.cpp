#include "widgets/format.h"

#include <utility>

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

namespace espalier::widgets {

QString formatPercent(double fraction, int decimals)
{
    return QString::number(fraction * 100.0, 'f', decimals) + QStringLiteral(" %");
}

QString formatShape(const std::vector<std::int64_t>& shape)
{
    QStringList parts;
    parts.reserve(qsizetype(shape.size()));
    for (const std::int64_t dim : shape)
        parts << QString::number(dim);
    return parts.join(QChar(0x00D7)); // multiplication sign
}

QString formatCount(std::int64_t count)
{
    return QLocale().toString(qlonglong(count));
}

QString stateText(core::SessionState state)
{
    using core::SessionState;
    switch (state) {
    case SessionState::Idle: return QCoreApplication::translate("espalier", "Idle");
    case SessionState::Running: return QCoreApplication::translate("espalier", "Running");
    case SessionState::Paused: return QCoreApplication::translate("espalier", "Paused");
    case SessionState::Finished: return QCoreApplication::translate("espalier", "Finished");
    case SessionState::Stopped: return QCoreApplication::translate("espalier", "Stopped");
    case SessionState::Failed: return QCoreApplication::translate("espalier", "Failed");
    }
    return {};
}

QString phaseText(const std::string& phase)
{
    static const std::pair<const char*, const char*> kPhases[] = {
        {"loading", QT_TRANSLATE_NOOP("espalier", "Loading")},
        {"pretrain", QT_TRANSLATE_NOOP("espalier", "Pretraining")},
        {"scoring", QT_TRANSLATE_NOOP("espalier", "Scoring")},
        {"mask", QT_TRANSLATE_NOOP("espalier", "ESPN mask discovery")},
        {"round", QT_TRANSLATE_NOOP("espalier", "Training (round)")},
        {"finetune", QT_TRANSLATE_NOOP("espalier", "Fine-tuning")},
        {"done", QT_TRANSLATE_NOOP("espalier", "Done")},
    };
    for (const auto& [key, text] : kPhases) {
        if (phase == key)
            return QCoreApplication::translate("espalier", text);
    }
    return QString::fromStdString(phase); // a phase added to the core later still shows
}

} // namespace espalier::widgets
