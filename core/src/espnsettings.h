#pragma once

#include <map>
#include <string>

#include "espnmaskdiscovery.h"

namespace espalier::core {

/// True for espn-finetune and espn-rewind.
bool isEspnMethod(const std::string& method);

/// ESPN settings from a recipe's method_params (alpha, tau, mask_lr, momentum, max_mask_epochs, batch,
/// shuffle); `defaultBatch` is used when batch is not given. An unknown key or an out-of-range value is
/// an InputError naming "method_params.<key>".
EspnSettings espnSettingsFrom(const std::map<std::string, double>& params, int defaultBatch);

} // namespace espalier::core
