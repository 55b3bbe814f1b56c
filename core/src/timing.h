#pragma once
// Latency measurement shared by the benchmarks: medians, so one descheduled run does not count.

#include <algorithm>
#include <chrono>
#include <vector>

namespace espalier::core {

/// The median of `samples` (the upper one of an even count); `samples` must not be empty.
inline double median(std::vector<double> samples)
{
    std::nth_element(samples.begin(), samples.begin() + long(samples.size() / 2), samples.end());
    return samples[samples.size() / 2];
}

/// Milliseconds `run` takes, median of `repeats` calls after one warm-up call.
template <typename F>
double medianMilliseconds(int repeats, F&& run)
{
    run();
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        run();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    return median(std::move(times));
}

} // namespace espalier::core
