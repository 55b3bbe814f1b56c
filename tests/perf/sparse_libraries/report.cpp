#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace espalier::bench {
namespace {

std::string printed(const char* format, double value)
{
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

std::string workloadLabel(const WorkloadResult& w)
{
    return w.layer + " " + printed("%g %%", 100.0 * w.density) + " batch " + std::to_string(w.batch) + ", " +
        std::to_string(w.threads) + (w.threads == 1 ? " thread" : " threads");
}

// Column order: the order the factories return their candidates in.
std::vector<std::string> candidateNames(const std::vector<WorkloadResult>& results)
{
    std::vector<std::string> names;
    for (const auto& w : results)
        for (const auto& c : w.candidates)
            if (std::find(names.begin(), names.end(), c.name) == names.end())
                names.push_back(c.name);
    return names;
}

const CandidateResult* find(const WorkloadResult& w, const std::string& name)
{
    for (const auto& c : w.candidates)
        if (c.name == name)
            return &c;
    return nullptr;
}

double speedVsDense(const WorkloadResult& w, const CandidateResult& c)
{
    const auto* dense = find(w, kBaseline);
    return dense ? dense->medianMs / c.medianMs : std::nan("");
}

std::string cell(const WorkloadResult& w, const std::string& name)
{
    const auto* c = find(w, name);
    if (!c || std::isnan(c->medianMs))
        return c && c->skipped.rfind("failed", 0) == 0 ? "failed" : "—";
    if (name == kBaseline)
        return printed("%.3g", c->medianMs);
    return printed("%.3g", c->medianMs) + " (" + printed("%.2f", speedVsDense(w, *c)) + "×)";
}

void speedTables(std::ostringstream& out, const std::vector<WorkloadResult>& results,
                 const std::vector<std::string>& names)
{
    std::set<int> threadCounts;
    for (const auto& w : results)
        threadCounts.insert(w.threads);
    for (int threads : threadCounts) {
        out << "## " << threads << (threads == 1 ? " thread" : " threads")
            << "\n\n| layer | density | batch | others' CPUs |";
        for (const auto& name : names)
            out << " " << name << " |";
        out << "\n|---|---:|---:|---:|";
        for (std::size_t i = 0; i < names.size(); ++i)
            out << "---:|";
        out << "\n";
        for (const auto& w : results) {
            if (w.threads != threads)
                continue;
            out << "| " << w.layer << " [" << w.rows << ", " << w.columns << "] | "
                << printed("%g %%", 100.0 * w.density) << " | " << w.batch << " | "
                << (std::isnan(w.otherCpus) ? "?" : printed("%.1f", w.otherCpus)) << " |";
            for (const auto& name : names)
                out << " " << cell(w, name) << " |";
            out << "\n";
        }
        out << "\n";
    }
}

void accuracyTable(std::ostringstream& out, const std::vector<WorkloadResult>& results,
                   const std::vector<std::string>& names, double tolerance)
{
    out << "## Results checked against " << kBaseline
        << "\n\n| candidate | worst max abs difference | at | within " << printed("%g", tolerance)
        << " |\n|---|---:|---|---|\n";
    for (const auto& name : names) {
        double worst = -1;
        std::string where;
        for (const auto& w : results) {
            const auto* c = find(w, name);
            if (c && !std::isnan(c->maxDifference) && c->maxDifference > worst) {
                worst = c->maxDifference;
                where = workloadLabel(w);
            }
        }
        if (worst < 0)
            out << "| " << name << " | — | not run | — |\n";
        else
            out << "| " << name << " | " << printed("%.2g", worst) << " | " << where << " | "
                << (worst <= tolerance ? "yes" : "**NO**") << " |\n";
    }
    out << "\n";
}

void setupTable(std::ostringstream& out, const std::vector<WorkloadResult>& results,
                const std::vector<std::string>& names)
{
    out << "## One-off setup per workload (not in the timings above)\n\n| candidate | setup ms, min – max "
           "|\n|---|---:|\n";
    for (const auto& name : names) {
        double low = INFINITY, high = -INFINITY;
        for (const auto& w : results)
            if (const auto* c = find(w, name); c && !std::isnan(c->setupMs)) {
                low = std::min(low, c->setupMs);
                high = std::max(high, c->setupMs);
            }
        if (low <= high)
            out << "| " << name << " | " << printed("%.3g", low) << " – " << printed("%.3g", high) << " |\n";
    }
    out << "\n";
}

// Each distinct note or reason for skipping once per candidate, with how many workloads it applies to.
void notes(std::ostringstream& out, const std::vector<WorkloadResult>& results,
           const std::vector<std::string>& names)
{
    std::vector<std::string> lines;
    for (const auto& name : names) {
        std::map<std::string, int> seen;
        for (const auto& w : results)
            if (const auto* c = find(w, name)) {
                if (!c->note.empty())
                    ++seen[c->note];
                if (!c->skipped.empty())
                    ++seen["not run: " + c->skipped];
            }
        for (const auto& [text, count] : seen)
            lines.push_back("- " + name + ": " + text + " (" + std::to_string(count) + " of " +
                            std::to_string(results.size()) + " workloads)");
    }
    if (lines.empty())
        return;
    out << "## Notes\n\n";
    for (const auto& line : lines)
        out << line << "\n";
    out << "\n";
}

nlohmann::json number(double value)
{
    return std::isnan(value) ? nlohmann::json(nullptr) : nlohmann::json(value);
}

} // namespace

bool allWithinTolerance(const std::vector<WorkloadResult>& results, double tolerance)
{
    for (const auto& w : results)
        for (const auto& c : w.candidates)
            if (!std::isnan(c.maxDifference) && c.maxDifference > tolerance)
                return false;
    return true;
}

std::string markdownReport(const std::vector<WorkloadResult>& results, const ReportContext& context)
{
    std::ostringstream out;
    out << "# Sparse × dense: libraries against Espalier's CSR kernel\n\n"
        << context.method << "\n\n"
        << context.machine << "\n\n";
    const auto names = candidateNames(results);
    speedTables(out, results, names);
    accuracyTable(out, results, names, context.tolerance);
    setupTable(out, results, names);
    notes(out, results, names);
    if (!context.notBuilt.empty()) {
        out << "## Not built\n\n";
        for (const auto& line : context.notBuilt)
            out << "- not built: " << line << "\n";
        out << "\n";
    }
    return out.str();
}

nlohmann::json jsonReport(const std::vector<WorkloadResult>& results, const ReportContext& context)
{
    auto workloads = nlohmann::json::array();
    for (const auto& w : results) {
        auto candidates = nlohmann::json::array();
        for (const auto& c : w.candidates)
            candidates.push_back({{"name", c.name},
                                  {"median_ms", number(c.medianMs)},
                                  {"speed_vs_dense", number(speedVsDense(w, c))},
                                  {"setup_ms", number(c.setupMs)},
                                  {"max_abs_difference", number(c.maxDifference)},
                                  {"note", c.note},
                                  {"skipped", c.skipped}});
        workloads.push_back({{"layer", w.layer},
                             {"rows", w.rows},
                             {"columns", w.columns},
                             {"nonzeros", w.nonzeros},
                             {"density", w.density},
                             {"batch", w.batch},
                             {"threads", w.threads},
                             {"repeats", w.repeats},
                             {"other_processes_cpus", number(w.otherCpus)},
                             {"candidates", candidates}});
    }
    return {{"machine", context.machine},
            {"method", context.method},
            {"tolerance", context.tolerance},
            {"not_built", context.notBuilt},
            {"workloads", workloads}};
}

} // namespace espalier::bench
