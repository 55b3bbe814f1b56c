#pragma once
// Internal: the files of a sweep folder (docs/sweeps.md): sweep.json (the plan),
// cells/<name>/result.json (a cell's outcome, written last) and summary.csv / summary.h5.

#include <optional>
#include <string>
#include <vector>

#include "espalier/core/sweep.h"

namespace espalier::core {

/// cells/<name> under `folder`.
std::string cellFolder(const std::string& folder, const std::string& cellName);

/// Writes sweep.json: the sweep's name, source, labels, sparsities, seeds and cells in order.
void writeSweepPlan(const std::string& folder, const SweepSpec& spec, const std::vector<SweepCell>& cells);

/// The outcome of a cell and the recipe it ran, from result.json.
struct CellRecord {
    SweepCellResult result;
    std::string recipeJson;
};

/// Writes result.json of a finished or failed cell atomically.
void writeCellResult(const std::string& path, const SweepCellResult& result, const Recipe& recipe);
/// Reads result.json; nullopt when it does not exist. InputError names a damaged file.
std::optional<CellRecord> readCellResult(const std::string& path);

/// Rewrites summary.csv (one row per method and sparsity) and summary.h5 (/points and /cells
/// tables, dense baseline attributes), each atomically.
void writeSweepSummary(const std::string& folder, const SweepResults& results);

} // namespace espalier::core
