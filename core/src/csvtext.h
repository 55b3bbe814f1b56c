#pragma once
// RFC 4180 fields for the CSV files we write (layers.csv, summary.csv).

#include <charconv>
#include <string>

namespace espalier::core {

/// `field` quoted when it holds a comma, quote or line break.
inline std::string csvField(const std::string& field)
{
    if (field.find_first_of(",\"\r\n") == std::string::npos)
        return field;
    std::string out = "\"";
    for (char c : field)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

/// The shortest text that reads back as the same double.
inline std::string csvNumber(double value)
{
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    return std::string(text, end);
}

} // namespace espalier::core
