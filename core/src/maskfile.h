#pragma once

#include <string>
#include <vector>

#include "reportdata.h"

namespace espalier::core {

/// Writes a masks file atomically: /masks/<parameter name> (uint8, the tensor's shape) per tensor,
/// /scores/<parameter name> (float32) for tensors whose scores are non-empty, and root attributes
/// format = "espalier-masks", format_version = 1, espalier_version. Parameter names are used
/// verbatim as dataset names ("features.0.weight" is one dataset, not nested groups).
/// Throws std::runtime_error naming `path` (and the tensor) on failure; an earlier file survives.
void writeMasksFile(const std::string& path, const std::vector<MaskData>& masks);

/// Reads a masks file back in the order it was written. Also accepts an Espalier report (masks
/// from /layers/<name>/mask) and a file without a format attribute that has a /masks group (e.g.
/// written with h5py; numpy bool datasets are accepted). Throws InputError naming the file and the
/// key when the file is missing, not HDF5, of another format, or a mask is not 0/1 integers.
std::vector<MaskData> readMasksFile(const std::string& path);

/// Checks that `mask` has as many entries as its shape needs (and scores too, when present);
/// throws std::runtime_error("cannot write '<path>': ...") naming the tensor otherwise.
void checkMaskData(const std::string& path, const MaskData& mask);

} // namespace espalier::core
