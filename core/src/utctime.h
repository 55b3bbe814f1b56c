#pragma once

#include <ctime>
#include <string>

namespace espalier::core {

/// Now as ISO 8601 UTC ("2026-11-21T22:00:00Z"), for the created_utc attribute of our files.
inline std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace espalier::core
