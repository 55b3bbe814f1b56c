#pragma once

#include <string>

namespace espalier::core {

/// Readable text summary of an Espalier HDF5 file, recognised by its `format` attribute:
/// a report (header values, per-layer table of name/shape/numel/kept/density, rounds table, final
/// numbers, events), a session (the same for its resume point, plus where it continues) or a
/// masks file (per-layer kept/total/density and the overall sparsity).
/// Sparsity and density are counted from the stored masks and printed as percentages with two
/// decimals, the way the run printed them. A sparse checkpoint shows its per-layer kept counts and
/// its size on disk next to the dense bytes. Throws InputError naming the file when it is missing,
/// not HDF5, or none of these.
std::string inspectFile(const std::string& path);

/// The same content as inspectFile, as a JSON object (fractions, not percentages; NaN as null).
std::string inspectFileJson(const std::string& path);

} // namespace espalier::core
