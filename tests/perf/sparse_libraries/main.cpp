// espalier-sparse-libraries-bench: issue 8 asked to measure the sparse libraries Debian packages
// (Eigen, librsb, libxsmm) before writing our own kernel. This runs them next to Espalier's
// csrLinear and dense LibTorch on LeNet-300-100's layers under random masks.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include "measurement.h"
#include "multiplier.h"
#include "report.h"

namespace {

using namespace espalier::bench;

struct Options {
    std::vector<std::string> layers{"fc1", "fc2"};
    std::vector<double> densities{0.02, 0.10};
    std::vector<std::int64_t> batches{1, 256};
    std::vector<int> threads{1, 2};
    std::vector<std::string> libraries{"eigen", "rsb", "xsmm"}; ///< next to LibTorch dense, Espalier CSR
    bool allLayouts = false;
    int repeats = 0; ///< 0: 200 at batch 1, 50 for larger batches
    std::uint64_t seed = 1;
    double tolerance = 1e-4;
    std::string json;
};

struct LayerShape {
    const char* name;
    std::int64_t rows, columns;
};

constexpr LayerShape kLeNet300[] = {{"fc1", 300, 784}, {"fc2", 100, 300}, {"fc3", 10, 100}};

// nn.Linear's default initialisation range; exactly round(density · entries) entries kept, chosen
// uniformly, so every library sees the same unstructured pattern.
SparseLayer maskedLayer(const LayerShape& shape, double density)
{
    const double bound = 1.0 / std::sqrt(double(shape.columns));
    const std::int64_t entries = shape.rows * shape.columns;
    auto mask = torch::zeros({entries});
    mask.index_fill_(0, torch::randperm(entries).slice(0, 0, std::llround(density * double(entries))), 1.0);
    const auto weight = torch::empty({shape.rows, shape.columns}).uniform_(-bound, bound) *
        mask.view({shape.rows, shape.columns});
    const auto bias = torch::empty({shape.rows}).uniform_(-bound, bound);

    SparseLayer layer;
    layer.name = shape.name;
    layer.rows = shape.rows;
    layer.columns = shape.columns;
    layer.dense.assign(weight.data_ptr<float>(), weight.data_ptr<float>() + entries);
    layer.bias.assign(bias.data_ptr<float>(), bias.data_ptr<float>() + shape.rows);
    layer.rowStart.push_back(0);
    for (std::int64_t r = 0; r < shape.rows; ++r) {
        for (std::int64_t c = 0; c < shape.columns; ++c) {
            if (const float v = layer.dense[r * shape.columns + c]; v != 0.0F) {
                layer.columnIndex.push_back(static_cast<int>(c));
                layer.values.push_back(v);
            }
        }
        layer.rowStart.push_back(static_cast<int>(layer.values.size()));
    }
    return layer;
}

std::vector<Candidate> allCandidates(const Workload& workload, const std::vector<std::string>& libraries)
{
    std::vector<Candidate> candidates = torchCandidates(workload);
    const auto add = [&](const char* library, auto factory) {
        if (std::find(libraries.begin(), libraries.end(), library) == libraries.end())
            return;
        for (auto& c : factory(workload))
            candidates.push_back(std::move(c));
    };
#ifdef ESPALIER_BENCH_WITH_EIGEN
    add("eigen", eigenCandidates);
#endif
#ifdef ESPALIER_BENCH_WITH_RSB
    add("rsb", rsbCandidates);
#endif
#ifdef ESPALIER_BENCH_WITH_XSMM
    add("xsmm", xsmmCandidates);
#endif
    (void)add;
    return candidates;
}

std::vector<std::string> notBuilt()
{
    std::vector<std::string> missing;
#ifndef ESPALIER_BENCH_WITH_EIGEN
    missing.push_back("Eigen (install libeigen3-dev)");
#endif
#ifndef ESPALIER_BENCH_WITH_RSB
    missing.push_back("librsb (install librsb-dev)");
#endif
#ifndef ESPALIER_BENCH_WITH_XSMM
    missing.push_back("libxsmm (install libxsmm-dev)");
#endif
    return missing;
}

std::string cpuModel()
{
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);)
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

ReportContext reportContext(const Options& options)
{
    ReportContext context;
    context.machine = "CPU: " + cpuModel() + ", " + std::to_string(std::thread::hardware_concurrency()) +
        " logical CPUs; LibTorch " + TORCH_VERSION + ".";
    const std::string repeats = options.repeats > 0 ? std::to_string(options.repeats) + " rounds"
                                                    : "200 rounds at batch 1 and 50 at larger batches";
    context.method =
        "y = x·Wᵀ + b in float32 for LeNet-300-100's layers with a random unstructured mask (exactly the "
        "given density of W kept), x ~ N(0, 1). A cell is the median milliseconds of one call over " +
        repeats +
        ", after warm-up calls; every round runs each candidate once, in a new random order. In brackets: "
        "the speed relative to LibTorch dense (torch::linear) on the same row, > 1× is faster. LibTorch "
        "dense and Espalier CSR (core::csrLinear) return a new output tensor per call, as in deployment; "
        "the library adapters write into buffers allocated once, and include any transposes and the bias. "
        "Above batch 1, Eigen and librsb take the batch transposed (row-major Xᵀ, as Espalier's kernel "
        "does), which measured faster than their no-copy column-major layout (--all-layouts times both). "
        "Others' CPUs: how many CPUs other processes kept busy while a row was timed; with 2 cores, "
        "2-thread rows only mean something when that is near 0.";
    context.notBuilt = notBuilt();
    context.tolerance = options.tolerance;
    return context;
}

int run(const Options& options)
{
    for (const auto& line : notBuilt())
        std::cerr << "not built: " << line << "\n";
    std::vector<WorkloadResult> results;
    for (const auto& name : options.layers) {
        const auto* shape = std::find_if(std::begin(kLeNet300), std::end(kLeNet300),
                                         [&](const LayerShape& s) { return name == s.name; });
        for (double density : options.densities) {
            torch::manual_seed(options.seed);
            const auto layer = maskedLayer(*shape, density);
            for (std::int64_t batch : options.batches) {
                const auto x = torch::randn({batch, layer.columns});
                const auto reference = torch::linear(
                    x, torch::from_blob(const_cast<float*>(layer.dense.data()), {layer.rows, layer.columns}),
                    torch::from_blob(const_cast<float*>(layer.bias.data()), {layer.rows}));
                MeasureSettings settings;
                settings.repeats = options.repeats > 0 ? options.repeats : (batch == 1 ? 200 : 50);
                settings.warmups = std::max(3, settings.repeats / 10);
                for (int threads : options.threads) {
                    std::cerr << "measuring " << name << " " << 100 * density << " % batch " << batch
                              << " at " << threads << " thread(s)\n";
                    const Workload workload{&layer, x.data_ptr<float>(), batch, threads, options.allLayouts};
                    WorkloadResult result;
                    result.layer = name;
                    result.rows = layer.rows;
                    result.columns = layer.columns;
                    result.nonzeros = static_cast<std::int64_t>(layer.values.size());
                    result.batch = batch;
                    result.density = density;
                    result.threads = threads;
                    result.repeats = settings.repeats;
                    measureCandidates(allCandidates(workload, options.libraries), reference.data_ptr<float>(),
                                      reference.numel(), settings, result);
                    results.push_back(std::move(result));
                }
            }
        }
    }

    const auto context = reportContext(options);
    std::cout << markdownReport(results, context);
    if (!options.json.empty()) {
        std::ofstream file(options.json);
        file << jsonReport(results, context).dump(1) << "\n";
        if (!file)
            throw std::runtime_error("could not write " + options.json);
    }
    if (!allWithinTolerance(results, options.tolerance)) {
        std::cerr << "espalier-sparse-libraries-bench: a candidate differs from LibTorch dense by more than "
                  << options.tolerance << " (see the table above)\n";
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    Options options;
    CLI::App app{
        "Sparse × dense products of Eigen, librsb and libxsmm against Espalier's CSR kernel and dense "
        "LibTorch (issue 8)",
        "espalier-sparse-libraries-bench"};
    app.add_option("--layers", options.layers,
                   "LeNet-300-100 layers: fc1 [300, 784], fc2 [100, 300], fc3 [10, 100]")
        ->delimiter(',')
        ->check(CLI::IsMember({"fc1", "fc2", "fc3"}))
        ->capture_default_str();
    const CLI::Validator fraction(
        [](std::string& text) {
            double value = 0;
            return CLI::detail::lexical_cast(text, value) && value > 0.0 && value <= 1.0
                ? std::string()
                : text + " is not in (0, 1]";
        },
        "in (0, 1]");
    app.add_option("--densities", options.densities, "Fractions of W kept")
        ->delimiter(',')
        ->check(fraction)
        ->capture_default_str();
    app.add_option("--batches", options.batches, "Input batch sizes")
        ->delimiter(',')
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--threads", options.threads, "Thread counts, each set for every library")
        ->delimiter(',')
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--libraries", options.libraries,
                   "Libraries to measure next to LibTorch dense and Espalier CSR")
        ->delimiter(',')
        ->check(CLI::IsMember({"eigen", "rsb", "xsmm"}))
        ->capture_default_str();
    app.add_flag("--all-layouts", options.allLayouts,
                 "Also time Eigen's and librsb's no-copy column-major batch layout (slower above batch 1)");
    app.add_option("--repeats", options.repeats,
                   "Timed rounds (default: 200 at batch 1, 50 for larger batches)")
        ->check(CLI::PositiveNumber);
    app.add_option("--seed", options.seed, "Seed of the masks, weights and inputs")->capture_default_str();
    app.add_option("--tolerance", options.tolerance, "Largest accepted max |y − y_dense|")
        ->capture_default_str();
    app.add_option("--json", options.json, "Also write the results as JSON to this file");
    CLI11_PARSE(app, argc, argv);
    try {
        return run(options);
    } catch (const c10::Error& e) {
        std::cerr << "espalier-sparse-libraries-bench: " << e.what_without_backtrace() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "espalier-sparse-libraries-bench: " << e.what() << "\n";
    }
    return 1;
}
