#pragma once

#include <memory>

#include <QMetaType>

#include "espalier/core/layertensors.h"
#include "espalier/core/snapshot.h"

namespace espalier::app {

/// How snapshots cross from the worker thread to the GUI: immutable and shared, never copied twice.
using SnapshotPtr = std::shared_ptr<const core::Snapshot>;
/// A copy of one prunable tensor for the mask inspector, made on the worker thread.
using LayerTensorsPtr = std::shared_ptr<const core::LayerTensors>;

} // namespace espalier::app

Q_DECLARE_METATYPE(espalier::app::SnapshotPtr)
Q_DECLARE_METATYPE(espalier::app::LayerTensorsPtr)
Q_DECLARE_METATYPE(espalier::core::SessionState)
