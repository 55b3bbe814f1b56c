// Torch-free: the window turns a scan into floors without LibTorch.
#include <optional>

#include "espalier/core/sensitivity.h"

namespace espalier::core {

std::map<std::string, double> floorsFromSensitivity(const SensitivityTable& table, double maxDrop)
{
    std::map<std::string, double> floors;
    for (std::size_t l = 0; l < table.layers.size(); ++l) {
        std::optional<double> tolerated;
        bool all = true;
        for (std::size_t k = 0; k < table.sparsities.size(); ++k) {
            if (table.baseAccuracy - table.accuracy[l][k] <= maxDrop + 1e-12) {
                if (all)
                    tolerated = table.sparsities[k];
            } else {
                all = false;
            }
        }
        if (all)
            continue;
        floors[table.layers[l]] = tolerated ? 1.0 - *tolerated : 1.0;
    }
    return floors;
}

} // namespace espalier::core
