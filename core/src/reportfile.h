#pragma once

#include <cstdint>
#include <string>

#include "reportdata.h"

namespace espalier::core {

/// Writes report.h5 atomically, laid out as DESIGN.md "Files" says (docs: file formats):
/// - root attributes format = "espalier-report", format_version = 1, espalier_version,
///   created_utc (ISO 8601, "2024-05-01T12:00:00Z"), recipe (JSON text), model, dataset, method,
///   seed (uint64), final_sparsity, final_test_accuracy, final_effective_sparsity, plus
///   prunable_weights and kept_weights;
/// - /layers/<parameter name> (in model order): attributes shape (int64[]), numel, kept, density,
///   floor, locked, collapsed, effective_kept, drift, saliency_zero_scores, saliency_threshold; datasets mask
///   (uint8, the weight's shape), saliency_hist_counts (int64, 2 x bins: row 0 kept, row 1
///   pruned; 2 x 0 when there is no histogram yet) and saliency_hist_edges (float64, bins + 1
///   edges in log10 |score|, empty when there is no histogram);
/// - /rounds and /epochs: tables (1-D compound datasets, one row per round / epoch; h5py reads
///   a structured array, f["rounds"]["sparsity"] a column); /curve/sparsity and
///   /curve/accuracy (float64); /events (variable-length UTF-8 strings).
/// numel and kept are counted from the masks, so they match the masks by construction.
/// Throws std::runtime_error naming `path` on failure; an earlier file at `path` survives.
void writeReport(const std::string& path, const ReportContent& content);

/// A report read back: its content plus the header values the writer fills in.
struct LoadedReport {
    ReportContent content;
    std::int64_t formatVersion = 0;
    std::string espalierVersion;
    std::string createdUtc;
};

/// Reads a report written by writeReport. layers[i].kept is the stored attribute (compare with
/// the mask). Throws InputError naming the file and the key when something is missing or wrong.
LoadedReport readReport(const std::string& path);

} // namespace espalier::core
