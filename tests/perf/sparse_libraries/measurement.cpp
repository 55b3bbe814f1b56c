#include "measurement.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <numeric>
#include <random>

#include "cpuload.h"
#include "timing.h"

namespace espalier::bench {
namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double maxAbsDifference(const float* y, const float* reference, std::int64_t count)
{
    double worst = 0;
    for (std::int64_t i = 0; i < count; ++i)
        worst = std::max(worst, std::abs(double(y[i]) - double(reference[i])));
    return worst;
}

} // namespace

void measureCandidates(std::vector<Candidate> candidates, const float* reference, std::int64_t outputs,
                       const MeasureSettings& settings, WorkloadResult& result)
{
    struct Running {
        std::unique_ptr<Multiplier> multiplier;
        CandidateResult* result;
    };
    auto& results = result.candidates;
    results.clear();
    results.reserve(candidates.size()); // Running keeps pointers into it
    std::vector<Running> running;
    for (auto& candidate : candidates) {
        auto& measured = results.emplace_back();
        measured.name = candidate.name;
        measured.skipped = candidate.skipped;
        if (!candidate.make)
            continue;
        // A library that fails on this workload is reported, not fatal: the others still count.
        try {
            const auto start = Clock::now();
            auto multiplier = candidate.make();
            measured.setupMs = millisecondsSince(start);
            measured.note = multiplier->note();
            for (int i = 0; i < settings.warmups; ++i)
                multiplier->run();
            measured.maxDifference = maxAbsDifference(multiplier->run(), reference, outputs);
            running.push_back({std::move(multiplier), &measured});
        } catch (const std::exception& e) {
            measured.skipped = std::string("failed: ") + e.what();
        }
    }

    // A fresh order every round: a candidate's threads may still be spinning, or its data still in
    // cache, when the next one starts; in a fixed order the same neighbour would always pay for that.
    std::mt19937 shuffler(/*seed=*/1);
    std::vector<std::size_t> order(running.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    const CpuLoadMeter load;
    std::vector<std::vector<double>> times(running.size());
    for (int round = 0; round < settings.repeats; ++round) {
        std::shuffle(order.begin(), order.end(), shuffler);
        for (const std::size_t k : order) {
            const auto start = Clock::now();
            running[k].multiplier->run();
            times[k].push_back(millisecondsSince(start));
        }
    }
    result.otherCpus = load.otherProcessesCpus();
    for (std::size_t k = 0; k < running.size(); ++k)
        if (!times[k].empty())
            running[k].result->medianMs = core::median(std::move(times[k]));
}

} // namespace espalier::bench
