#include "schedule.h"

#include <cmath>

#include "espalier/core/errors.h"

namespace espalier::core {

double scheduledDensity(const std::string& schedule, int round, int rounds, double finalDensity)
{
    if (round >= rounds)
        return finalDensity;
    const double fraction = double(round) / double(rounds);
    if (schedule == "exponential")
        return std::pow(finalDensity, fraction);
    if (schedule == "linear")
        return 1.0 - (1.0 - finalDensity) * fraction;
    throw InputError("schedule '" + schedule + "' is not one of: exponential, linear");
}

} // namespace espalier::core
