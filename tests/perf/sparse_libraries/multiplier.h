#pragma once
// The contract every candidate of espalier-sparse-libraries-bench implements. Torch-free, so that the
// library adapters compile without LibTorch's headers.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace espalier::bench {

/// A Linear layer's weight under a random unstructured mask, in the forms the libraries start from.
struct SparseLayer {
    std::string name;          ///< "fc1"
    std::int64_t rows = 0;     ///< output features
    std::int64_t columns = 0;  ///< input features
    std::vector<float> dense;  ///< [rows, columns] row-major, zeros where masked
    std::vector<int> rowStart; ///< CSR with int32 indices (what Eigen and librsb take)
    std::vector<int> columnIndex;
    std::vector<float> values;
    std::vector<float> bias; ///< [rows]
};

/// What one measurement multiplies: the layer, a fixed input batch and the thread count.
struct Workload {
    const SparseLayer* layer = nullptr;
    const float* x = nullptr; ///< [batch, columns] row-major
    std::int64_t batch = 0;
    int threads = 1;
    bool allLayouts = false; ///< also the layouts that measured slower (Eigen, librsb)
};

/// One way to compute y = x·Wᵀ + bias for the workload's fixed W and x. Its constructor does the
/// one-off work (conversion, tuning, code generation), timed apart from run().
class Multiplier {
public:
    virtual ~Multiplier() = default;
    /// y as [batch, rows] row-major. Owned by the multiplier, valid until the next call.
    virtual const float* run() = 0;
    /// What a reader of the numbers must know (a fallback, a padded batch); empty if nothing.
    virtual std::string note() const { return {}; }
};

struct Candidate {
    std::string name;
    std::function<std::unique_ptr<Multiplier>()> make; ///< empty when the candidate does not apply here
    std::string skipped;                               ///< why `make` is empty
};

/// The candidate `name`, built as Type(workload, extra...) when the benchmark asks for it.
template <typename Type, typename... Extra>
Candidate candidateOf(std::string name, const Workload& workload, Extra... extra)
{
    return {std::move(name),
            [=] { return std::unique_ptr<Multiplier>(std::make_unique<Type>(workload, extra...)); },
            {}};
}

// One factory per library. Each sets its library's thread count to workload.threads; the libxsmm
// adapters start their OpenMP threads themselves.
std::vector<Candidate> torchCandidates(const Workload& workload); // LibTorch dense, Espalier CSR
std::vector<Candidate> eigenCandidates(const Workload& workload);
std::vector<Candidate> rsbCandidates(const Workload& workload);
std::vector<Candidate> xsmmCandidates(const Workload& workload);

} // namespace espalier::bench
