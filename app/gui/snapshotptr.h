#pragma once

#include <memory>

#include <QMetaType>

#include "espalier/core/snapshot.h"

namespace espalier::app {

/// How snapshots cross from the worker thread to the GUI: immutable and shared, never copied twice.
using SnapshotPtr = std::shared_ptr<const core::Snapshot>;

} // namespace espalier::app

Q_DECLARE_METATYPE(espalier::app::SnapshotPtr)
Q_DECLARE_METATYPE(espalier::core::SessionState)
