#pragma once

#include <optional>

#include <QString>

#include "espalier/core/sweep.h"

namespace espalier::app {

/// The spec that continues the sweep in `folder`, rebuilt from its sweep.json the way espalier-cli
/// sweep built it: the "source" file with the same --set overrides, narrowed to the same methods,
/// sparsities and seeds. Running it on the folder skips the finished cells. nullopt with `why` set
/// when sweep.json is missing or damaged or the source file is gone or no longer loads.
std::optional<core::SweepSpec> sweepToContinue(const QString& folder, QString* why);

} // namespace espalier::app
