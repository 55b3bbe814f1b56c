#include "methodparams.h"

#include <cmath>

#include "espalier/core/errors.h"

namespace espalier::core {
namespace {

std::int64_t wholeNumber(double value, const std::string& key, std::int64_t minimum)
{
    if (value != std::floor(value) || value < double(minimum))
        throw InputError("method_params." + key + " must be a whole number ≥ " + std::to_string(minimum));
    return std::int64_t(value);
}

} // namespace

ImpSettings impSettingsFrom(const std::map<std::string, double>& params)
{
    ImpSettings s;
    for (const auto& [key, value] : params) {
        if (key == "rewind_epoch")
            s.rewindEpoch = int(wholeNumber(value, key, 0));
        else
            throw InputError("method_params." + key + " is not a parameter of imp (known: rewind_epoch)");
    }
    return s;
}

GmpSettings gmpSettingsFrom(const std::map<std::string, double>& params)
{
    GmpSettings s;
    for (const auto& [key, value] : params) {
        if (key == "initial_sparsity") {
            if (!(value >= 0.0 && value < 1.0))
                throw InputError("method_params.initial_sparsity must be in [0, 1)");
            s.initialSparsity = value;
        } else if (key == "start_step") {
            s.startStep = wholeNumber(value, key, 0);
        } else if (key == "frequency") {
            s.frequency = wholeNumber(value, key, 1);
        } else if (key == "steps") {
            s.steps = wholeNumber(value, key, 1);
        } else {
            throw InputError("method_params." + key +
                             " is not a parameter of gmp (known: initial_sparsity, start_step, frequency, steps)");
        }
    }
    return s;
}

double gmpSparsity(const GmpSettings& s, double finalSparsity, std::int64_t step, std::int64_t steps)
{
    const double progress = steps > 0 ? std::min(1.0, double(step) / double(steps)) : 1.0;
    return finalSparsity + (s.initialSparsity - finalSparsity) * std::pow(1.0 - progress, 3.0);
}

} // namespace espalier::core
