#pragma once

#include "espalier/core/recipe.h"
#include "maskset.h"
#include "model.h"

namespace espalier::core {

/// Applies the recipe keys model.weights and model.masks to a freshly built model (docs/recipes.md):
/// weights from a torch.save state_dict (torch.nn.utils.prune's `<name>_orig` × `<name>_mask` is
/// folded into `<name>`, and the mask kept) or an Espalier sparse checkpoint; masks from an HDF5
/// masks file, a report, or an h5py file with /masks/<name>. A weight pruned by either file stays
/// pruned: the masks are combined and masked weights set to zero. Does nothing when neither key is
/// set. Throws InputError naming the key, the file and the tensor (a missing or unexpected tensor,
/// a shape that differs from the model's).
void importModelState(const ModelSpec& spec, Model& model, MaskSet& masks);

} // namespace espalier::core
