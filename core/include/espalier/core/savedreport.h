#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "espalier/core/layertensors.h"
#include "espalier/core/snapshot.h"

namespace espalier::core {

/// A report.h5 read back for display, as the torch-free values the live views take.
struct SavedReport {
    std::string path;
    /// The finished session as the report recorded it: layers (shape, kept, floor, locked,
    /// collapsed, saliency histogram), epochs, rounds and events; state Finished, phase "report".
    /// The report keeps no branches, so every record is on branch 0.
    Snapshot snapshot;
    /// One per layer, in snapshot.layers order: name, shape and mask; no weights or scores (the
    /// report does not store them).
    std::vector<LayerTensors> masks;
    std::string recipeJson; ///< the replayable recipe (initial + steering)
    std::string model;
    std::string dataset;
    std::string method; ///< in effect at the end (after any steering)
    std::uint64_t seed = 0;
    double finalTestAccuracy = 0.0;
    std::string espalierVersion;
    std::string createdUtc;

    /// The mask of `name`, or nullptr for an unknown layer.
    [[nodiscard]] const LayerTensors* mask(const std::string& name) const;
    /// Test accuracy of the last pretraining epoch (the dense baseline); NaN without pretraining.
    [[nodiscard]] double denseAccuracy() const;
};

/// Reads the report at `path` (docs/formats.md, report.h5). Throws InputError naming the file when
/// it is missing, not HDF5, truncated, not an Espalier report, or lacks a required key.
SavedReport openSavedReport(const std::string& path);

} // namespace espalier::core
