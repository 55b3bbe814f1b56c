#pragma once

#include <iterator>

#include <QColor>

#include "widgets/layertablemodel.h"

namespace espalier::widgets {

/// The few colours every Espalier widget agrees on, so a collapsed layer is the same red in the
/// table, the density chart and the log.
inline QColor densityColor() { return QColor(0x2e, 0x6f, 0xb5); }
inline QColor nearFloorColor() { return QColor(0xe0, 0x8e, 0x0b); }
inline QColor warningColor() { return QColor(0xc6, 0x28, 0x28); }
inline QColor targetColor() { return QColor(0x2e, 0x7d, 0x32); }
inline QColor lossColor() { return QColor(0x8e, 0x44, 0xad); }
inline QColor validationColor() { return QColor(0x00, 0x89, 0x7b); }
inline QColor annotationColor() { return QColor(0xd8, 0x6a, 0x00); }
inline QColor baselineColor() { return QColor(0x5d, 0x40, 0x37); }
inline QColor previewColor() { return QColor(0xad, 0x14, 0x57); }

/// The colour of the `index`-th of several series that are compared with each other (one curve per
/// method in a sweep): Okabe–Ito's colour-blind-safe set without its yellow, which is unreadable
/// on white, then brown, grey and dark red (a full sweep has 8 methods), then the same again.
inline QColor seriesColor(int index)
{
    static const QColor kColors[] = {QColor(0x00, 0x72, 0xb2), QColor(0xd5, 0x5e, 0x00), QColor(0x00, 0x9e, 0x73),
                                     QColor(0xcc, 0x79, 0xa7), QColor(0x56, 0xb4, 0xe9), QColor(0xe6, 0x9f, 0x00),
                                     QColor(0x33, 0x33, 0x33), QColor(0x8c, 0x56, 0x4b), QColor(0x99, 0x99, 0x99),
                                     QColor(0xa5, 0x1c, 0x30)};
    constexpr int kCount = int(std::size(kColors));
    return kColors[((index % kCount) + kCount) % kCount];
}

/// `color` washed out towards light grey: records of branches the session has left behind.
inline QColor mutedColor(const QColor& color)
{
    constexpr double kKeep = 0.35;
    const auto mix = [](int channel) { return int(kKeep * channel + (1.0 - kKeep) * 205); };
    return QColor(mix(color.red()), mix(color.green()), mix(color.blue()));
}

inline QColor statusColor(LayerStatus status)
{
    switch (status) {
    case LayerStatus::NearFloor: return nearFloorColor();
    case LayerStatus::Collapsed: return warningColor();
    case LayerStatus::Ok: break;
    }
    return densityColor();
}

} // namespace espalier::widgets
