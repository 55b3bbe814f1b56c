#pragma once

#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// A deep copy of a model with its masks bound to the copy's tensors: what-ifs (previews, scans)
/// work on it and never touch the session's model.
struct MaskedModelCopy {
    Model model;
    MaskSet masks;
};

MaskedModelCopy copyMaskedModel(const Model& model, const MaskSet& masks);

} // namespace espalier::core
