#pragma once

#include <string>

#include "rawdataset.h"

namespace espalier::core {

/// Loads "bring your own data" from an HDF5 file: `X` (N,C,H,W or N,H,W; uint8 or float) and
/// `y` (integer labels >= 0), optionally `X_test`/`y_test`. Without a test set in the file the
/// last 1/6 of the samples in file order become the test set. numClasses = max label + 1.
RawDataset loadHdf5Dataset(const std::string& path);

} // namespace espalier::core
