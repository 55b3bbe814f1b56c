#include "espnsettings.h"

#include <cmath>

#include "espalier/core/errors.h"

namespace espalier::core {

bool isEspnMethod(const std::string& method)
{
    return method == "espn-finetune" || method == "espn-rewind";
}

EspnSettings espnSettingsFrom(const std::map<std::string, double>& params, int defaultBatch)
{
    EspnSettings s;
    s.batch = defaultBatch;
    auto require = [](bool ok, const std::string& key, const std::string& rule) {
        if (!ok)
            throw InputError("method_params." + key + " must be " + rule);
    };
    for (const auto& [key, value] : params) {
        if (key == "alpha") {
            require(value >= 0.0, key, "≥ 0");
            s.alpha = value;
        } else if (key == "tau") {
            require(value > 0.0, key, "> 0");
            s.tau = value;
        } else if (key == "mask_lr") {
            require(value > 0.0, key, "> 0");
            s.maskLr = value;
        } else if (key == "momentum") {
            require(value >= 0.0 && value < 1.0, key, "in [0, 1)");
            s.momentum = value;
        } else if (key == "max_mask_epochs") {
            require(value >= 1.0 && value == std::floor(value), key, "a whole number ≥ 1");
            s.maxEpochs = int(value);
        } else if (key == "batch") {
            require(value >= 1.0 && value == std::floor(value), key, "a whole number ≥ 1");
            s.batch = int(value);
        } else if (key == "shuffle") {
            require(value == 0.0 || value == 1.0, key, "0 or 1");
            s.shuffle = value == 1.0;
        } else {
            throw InputError("method_params." + key +
                             " is not a parameter of ESPN (known: alpha, tau, mask_lr, momentum, max_mask_epochs, "
                             "batch, shuffle)");
        }
    }
    return s;
}

} // namespace espalier::core
