#pragma once

#include <string>

namespace espalier::core {

/// The files a session can write on request (docs/formats.md describes each).
enum class SaveKind {
    Report, ///< report.h5
    Model,  ///< TorchScript with the masks folded in
    Masks,  ///< masks.h5 (/masks/<parameter name>, uint8)
    SparseCheckpoint, ///< checkpoint.h5: packed bitmasks + kept values, the rest dense
    LayerCsv,         ///< layers.csv: per-layer statistics
    Session, ///< session.h5, to continue with Session::resume
    SmallerModel, ///< TorchScript without the channels a channel cut removed (recipe.channels)
};

/// One file to write: what and where.
struct SaveRequest {
    SaveKind kind = SaveKind::Report;
    std::string path;
    bool withScores = false; ///< Masks: also the last round's scores
};

/// What became of a SaveRequest: `error` is empty on success, else names the path and the reason.
struct SaveResult {
    SaveRequest request;
    std::string error;
};

/// "report", "model", ... for messages.
const char* toString(SaveKind kind);

} // namespace espalier::core
