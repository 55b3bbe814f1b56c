#pragma once

#include <cstdint>
#include <vector>

#include <QString>

#include "espalier/core/snapshot.h"

namespace espalier::widgets {

/// A fraction as a percentage with `decimals` places: 0.9 -> "90.00 %". The same rounding as the
/// CLI, so the window and the terminal show the same digits for the same number.
QString formatPercent(double fraction, int decimals = 2);

/// A tensor shape as "300×784" (output dimension first, as in PyTorch).
QString formatShape(const std::vector<std::int64_t>& shape);

/// An integer with the locale's digit grouping: 266200 -> "266,200".
QString formatCount(std::int64_t count);

/// "Running", "Paused", ... for the status line (the core's toString is for logs and files).
QString stateText(core::SessionState state);

/// A snapshot phase ("pretrain", "round", ...) as words for people ("Pretraining", ...).
QString phaseText(const std::string& phase);

} // namespace espalier::widgets
