#include "sensitivityscan.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>

#include <ATen/CPUGeneratorImpl.h>

#include "espalier/core/errors.h"
#include "maskselection.h"
#include "modelcopy.h"
#include "modelimport.h"
#include "moduleaccess.h"
#include "prunable.h"
#include "pruningpreview.h"
#include "scoring.h"
#include "torchruntime.h"
#include "trainer.h"

namespace espalier::core {
namespace {

constexpr std::size_t kCachedScans = 16;

// FNV-1a over raw bytes: a stable key for "this exact model state, data and settings".
class StateHash {
public:
    void bytes(const void* data, std::size_t n)
    {
        const auto* p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < n; ++i) {
            m_hash ^= p[i];
            m_hash *= 1099511628211ULL;
        }
    }
    void tensor(const torch::Tensor& t)
    {
        const auto c = t.detach().contiguous();
        const std::int64_t rank = c.dim();
        bytes(&rank, sizeof rank);
        bytes(c.sizes().data(), sizeof(std::int64_t) * std::size_t(rank));
        bytes(c.data_ptr(), c.numel() * c.element_size());
    }
    void text(const std::string& s) { bytes(s.data(), s.size() + 1); }
    template <typename T>
    void value(const T& v)
    {
        bytes(&v, sizeof v);
    }
    [[nodiscard]] std::uint64_t value() const { return m_hash; }

private:
    std::uint64_t m_hash = 1469598103934665603ULL;
};

struct ScanCache {
    std::mutex mutex;
    std::unordered_map<std::uint64_t, SensitivityTable> tables;
    std::deque<std::uint64_t> order; // oldest first
};

ScanCache& cache()
{
    static ScanCache instance;
    return instance;
}

TensorDataset firstSamples(const TensorDataset& data, std::int64_t n)
{
    if (n <= 0 || n >= data.size())
        return data;
    return {data.images.slice(0, 0, n), data.labels.slice(0, 0, n)};
}

std::uint64_t stateKey(const Model& model, const MaskSet& masks, const TensorDataset& scoring, const TensorDataset& test,
                       const SensitivitySettings& settings, const torch::Generator& generator)
{
    StateHash h;
    for (const auto& p : model.module.named_parameters()) {
        h.text(p.name);
        h.tensor(p.value);
    }
    for (const auto& b : model.module.named_buffers()) {
        h.text(b.name);
        h.tensor(b.value);
    }
    for (std::size_t i = 0; i < masks.size(); ++i) {
        h.text(masks.tensors()[i].name);
        h.tensor(masks.mask(i));
    }
    h.tensor(test.images);
    h.tensor(test.labels);
    h.tensor(scoring.images);
    h.tensor(scoring.labels);
    h.text(settings.method);
    for (double s : settings.sparsities)
        h.value(s);
    if (settings.method == "random") // the only scorer that draws from the generator
        h.tensor(generator.clone().get_state());
    return h.value();
}

} // namespace

void checkSensitivitySettings(SensitivitySettings& settings)
{
    if (settings.sparsities.empty())
        throw InputError("sensitivity: give at least one sparsity");
    for (double s : settings.sparsities)
        checkPreviewRequest(settings.method, s);
    std::sort(settings.sparsities.begin(), settings.sparsities.end());
    settings.sparsities.erase(std::unique(settings.sparsities.begin(), settings.sparsities.end()),
                              settings.sparsities.end());
    if (settings.testSamples < 0)
        throw InputError("sensitivity: test samples must be 0 (all) or more");
    if (settings.scoringSamples < 1)
        throw InputError("sensitivity: scoring samples must be at least 1");
}

SensitivityTable scanSensitivity(const Model& model, const MaskSet& masks, const TensorDataset& train,
                                 const TensorDataset& test, const SensitivitySettings& requested,
                                 const torch::Generator& generator, const SensitivityProgress& progress,
                                 const std::atomic<bool>* cancel)
{
    SensitivitySettings settings = requested;
    checkSensitivitySettings(settings);
    const auto testSet = firstSamples(test, settings.testSamples);
    const auto scoringSet = firstSamples(train, settings.scoringSamples);
    const auto key = stateKey(model, masks, scoringSet, testSet, settings, generator);
    {
        auto& c = cache();
        std::lock_guard lock(c.mutex);
        if (auto it = c.tables.find(key); it != c.tables.end()) {
            auto table = it->second;
            table.fromCache = true;
            return table;
        }
    }

    // One deep copy for the whole scan; each cell masks one tensor of it and puts it back.
    auto [copy, copyMasks] = copyMaskedModel(model, masks);
    const auto& tensors = copyMasks.tensors();
    const auto& current = masks.masks();
    torch::Generator rng = generator.clone();
    ScoringSettings scoring;
    scoring.samples = settings.scoringSamples;
    scoring.fileOrder = true;
    const std::map<std::string, double> noParams;
    ScoringContext context{copy, copyMasks, scoringSet, scoring, rng, noParams};
    const auto scores = computeScores(settings.method, context);
    copyMasks.applyToWeights(); // scorers such as SynFlow may leave the copy's weights changed
    std::vector<torch::Tensor> originals;
    for (std::size_t i = 0; i < masks.size(); ++i) {
        auto [owner, attr] = attributeOwner(model.module, masks.tensors()[i].name);
        originals.push_back(owner.attr(attr).toTensor().detach().clone());
        torch::NoGradGuard noGrad;
        tensors[i].weight.copy_(originals[i]);
    }

    SensitivityTable table;
    table.sparsities = settings.sparsities;
    table.baseAccuracy = evaluate(copy, testSet).accuracy;
    const int total = int(masks.size() * settings.sparsities.size());
    int done = 0;
    SelectionConstraints one;
    one.locked = {false};
    one.floors = {0.0};
    for (std::size_t i = 0; i < masks.size(); ++i) {
        table.layers.push_back(masks.tensors()[i].name);
        std::vector<double> row;
        for (double s : settings.sparsities) {
            if (cancel && cancel->load())
                throw Cancelled();
            const auto mask = selectMasks({scores[i]}, {current[i]}, 1.0 - s, /*global=*/false, one,
                                          {masks.tensors()[i].name})[0];
            {
                torch::NoGradGuard noGrad;
                tensors[i].weight.copy_(originals[i] * mask.to(originals[i].scalar_type()));
            }
            row.push_back(evaluate(copy, testSet).accuracy);
            {
                torch::NoGradGuard noGrad;
                tensors[i].weight.copy_(originals[i]);
            }
            if (progress)
                progress(++done, total);
        }
        table.accuracy.push_back(std::move(row));
    }

    auto& c = cache();
    std::lock_guard lock(c.mutex);
    if (c.tables.emplace(key, table).second) {
        c.order.push_back(key);
        if (c.order.size() > kCachedScans) {
            c.tables.erase(c.order.front());
            c.order.pop_front();
        }
    }
    return table;
}

SensitivityTable scanModelSensitivity(const ModelSpec& modelSpec, const DataSpec& dataSpec, std::uint64_t seed,
                                      int threads, const SensitivitySettings& settings,
                                      const SensitivityProgress& progress, const std::atomic<bool>* cancel)
{
    prepareTorchRuntime(threads);
    torch::manual_seed(seed);
    const auto data = loadData(dataSpec, seed);
    auto model = makeModel(modelSpec, data.sampleShape, data.numClasses);
    MaskSet masks(findPrunableTensors(model.module, {}));
    importModelState(modelSpec, model, masks);
    // The saved zeros are the masks: a pruned weight stays pruned in every cell.
    std::vector<torch::Tensor> current;
    for (const auto& t : masks.tensors())
        current.push_back(t.weight.ne(0));
    masks.setMasks(current);
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    return scanSensitivity(model, masks, data.train, data.test, settings, generator, progress, cancel);
}

} // namespace espalier::core
