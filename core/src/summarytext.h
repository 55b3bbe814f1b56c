#pragma once
// Internal: the text helpers of `espalier-cli inspect` summaries (reports, sessions, checkpoints).

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace espalier::core {

/// "12.34 %" for a fraction; "-" for NaN.
std::string percent(double fraction);
/// `value` with `decimals` decimals; "-" for NaN.
std::string fixed(double value, int decimals);
/// "300x784" for a JSON array of dimensions; "scalar" for an empty one.
std::string shapeText(const nlohmann::json& shape);
/// Rows[0] is the header; the first `left` columns are left-aligned, the rest right-aligned, two
/// spaces between columns.
std::string table(const std::vector<std::vector<std::string>>& rows, std::size_t left = 1);

} // namespace espalier::core
