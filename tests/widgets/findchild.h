#pragma once
// Widget tests find what they drive by objectName; a missing name is a test bug, so it aborts.

#include <QWidget>

namespace espalier::testing {

template <class T>
T* child(const QWidget& parent, const char* name)
{
    auto* found = parent.findChild<T*>(QLatin1String(name));
    if (!found)
        qFatal("no widget named %s", name);
    return found;
}

} // namespace espalier::testing
