#pragma once
// Chart tests compare what a plottable draws as (key, value) pairs.

#include <qcustomplot.h>

#include <QList>
#include <QPointF>

namespace espalier::testing {

/// The points of a QCPGraph or QCPCurve in data order.
template <class Plottable>
QList<QPointF> points(const Plottable* plottable)
{
    QList<QPointF> out;
    for (auto it = plottable->data()->constBegin(); it != plottable->data()->constEnd(); ++it)
        out << QPointF(it->key, it->value);
    return out;
}

} // namespace espalier::testing
