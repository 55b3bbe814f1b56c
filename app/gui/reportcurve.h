#pragma once

#include <optional>
#include <vector>

#include <QString>

namespace espalier::app {

/// The accuracy-vs-sparsity curve stored in a report.h5 (/curve), one point per round.
struct ReportCurve {
    std::vector<double> sparsity; ///< fractions
    std::vector<double> accuracy;
};

/// Reads the curve of the report at `path`; nullopt with `error` set (naming the file) when the
/// file is unreadable, not a report, or has no curve.
std::optional<ReportCurve> readReportCurve(const QString& path, QString* error);

} // namespace espalier::app
