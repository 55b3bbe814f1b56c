#include "summarytext.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace espalier::core {

using nlohmann::json;

std::string percent(double fraction)
{
    if (std::isnan(fraction))
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %%", fraction * 100.0);
    return text;
}

std::string fixed(double value, int decimals)
{
    if (std::isnan(value))
        return "-";
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string shapeText(const json& shape)
{
    std::string text;
    for (const json& d : shape)
{
        if (!text.empty())
            text += 'x';
        text += std::to_string(d.get<std::int64_t>());
    }
    return text.empty() ? std::string("scalar") : text;
}

std::string table(const std::vector<std::vector<std::string>>& rows, std::size_t left)
{
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
{
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (std::size_t c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], row[c].size());
    }
    std::string out;
    for (const auto& row : rows)
{
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c)
{
            const std::string pad(widths[c] - row[c].size(), ' ');
            line += "  ";
            line += c < left ? row[c] : pad;
            line += c < left ? pad : row[c];
        }
        line.erase(line.find_last_not_of(' ') + 1);
        out += line + "\n";
    }
    return out;
}

} // namespace espalier::core
