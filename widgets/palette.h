#pragma once

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
