#pragma once
// SessionState as a Qt Test data column and a QSignalSpy argument. Declared here once: the widget
// tests share one executable, and Q_DECLARE_METATYPE may appear only once per translation unit.

#include <QMetaType>

#include "espalier/core/snapshot.h"

Q_DECLARE_METATYPE(espalier::core::SessionState)
