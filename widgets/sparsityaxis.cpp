#include "widgets/sparsityaxis.h"

#include <algorithm>
#include <limits>

namespace espalier::widgets {
namespace {

constexpr double kLogRoom = 1.4; // factor of room right of the highest compression

} // namespace

double compressionOf(double sparsity)
{
    return sparsity < 1.0 ? 1.0 / (1.0 - sparsity) : std::numeric_limits<double>::infinity();
}

void setSparsityAxis(QCPAxis* axis, bool compression, double highestKey)
{
    const bool hasCompressionTicker = bool(qSharedPointerDynamicCast<CompressionTicker>(axis->ticker()));
    if (compression) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        if (!hasCompressionTicker)
            axis->setTicker(QSharedPointer<CompressionTicker>::create());
        axis->setLabel(QObject::tr("compression 1/(1 − sparsity)"));
        // From just below 1× (dense), as the linear axis starts at 0 %; some room on the right, so
        // a point at 100× is not on the frame, but no empty decade after it.
        axis->setRange(0.9, std::max(highestKey, 10.0) * kLogRoom);
    } else {
        axis->setScaleType(QCPAxis::stLinear);
        if (hasCompressionTicker)
            axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        axis->setLabel(QObject::tr("sparsity (%)"));
        axis->setRange(-2.0, 102.0);
    }
}

CompressionTicker::CompressionTicker()
{
    setLogBase(10.0);
    setSubTickCount(8); // 2×, 3×, … 9× of each decade
}

QString CompressionTicker::getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision)
{
    Q_UNUSED(formatChar)
    Q_UNUSED(precision)
    const double percent = 100.0 * (1.0 - 1.0 / tick);
    return QStringLiteral("%1×\n%2 %").arg(locale.toString(tick, 'g', 6), locale.toString(percent, 'g', 6));
}

} // namespace espalier::widgets
