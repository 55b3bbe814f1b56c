#pragma once

#include <map>
#include <string>

#include <QString>

namespace espalier::widgets {

/// The result of reading a "name=value, name=value" line: the parameters, or why the text is not one.
struct ParsedMethodParams {
    std::map<std::string, double> params;
    QString error; ///< empty when the text parsed

    [[nodiscard]] bool ok() const { return error.isEmpty(); }
};

/// Method parameters as one compact line, "samples=100, temperature=200" (names in map order,
/// shortest round-tripping numbers, C locale). Empty for no parameters.
QString formatMethodParams(const std::map<std::string, double>& params);

/// Reads what formatMethodParams writes. Pairs are separated by commas or semicolons, spaces around
/// names, '=' and values are ignored, and empty text means "no parameters". A pair without '=', a
/// name that is not an identifier, a value that is not a finite number or a name given twice is an
/// error naming the offending pair.
ParsedMethodParams parseMethodParams(const QString& text);

} // namespace espalier::widgets
