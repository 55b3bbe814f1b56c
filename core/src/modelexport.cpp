#include "modelexport.h"

#include <sstream>

#include "atomicfile.h"
#include "maskfile.h"
#include "reportfile.h"

namespace espalier::core {

void saveTorchScript(Model& model, const std::string& path)
{
    // Serialised in memory first: LibTorch's file writer throws from its destructor when the disk
    // fills up mid-write, which aborts the process; our own atomic write reports it instead.
    std::ostringstream bytes;
    try {
        model.module.save(bytes);
    } catch (const c10::Error& e) {
        throw std::runtime_error("cannot write model " + path + ": " + e.what_without_backtrace());
    }
    writeFileAtomically(path, bytes.view());
}

std::vector<MaskData> maskData(const MaskSet& masks, const std::vector<torch::Tensor>& scores)
{
    std::vector<MaskData> out;
    for (std::size_t i = 0; i < masks.size(); ++i) {
        MaskData d;
        d.name = masks.tensors()[i].name;
        const auto sizes = masks.mask(i).sizes();
        d.shape.assign(sizes.begin(), sizes.end());
        auto bytes = masks.mask(i).to(torch::kUInt8).contiguous();
        d.mask.assign(bytes.data_ptr<std::uint8_t>(), bytes.data_ptr<std::uint8_t>() + bytes.numel());
        if (i < scores.size() && scores[i].defined()) {
            auto s = scores[i].detach().to(torch::kFloat32).contiguous();
            d.scores.assign(s.data_ptr<float>(), s.data_ptr<float>() + s.numel());
        }
        out.push_back(std::move(d));
    }
    return out;
}

void writeMasks(const MaskSet& masks, const std::vector<torch::Tensor>& scores, const std::string& path)
{
    writeMasksFile(path, maskData(masks, scores));
}

void writeSessionReport(const Recipe& recipe, const std::string& method, const Model& model, const DataBundle& data, const MaskSet& masks,
                        const Snapshot& snapshot, const std::string& path)
{
    ReportContent report;
    report.recipeJson = recipeToJson(recipe);
    report.model = model.name;
    report.dataset = data.description;
    report.method = method;
    report.seed = recipe.seed;
    report.finalSparsity = masks.sparsity();
    report.finalEffectiveSparsity = snapshot.effectiveSparsity;
    report.finalTestAccuracy = snapshot.rounds.empty() ? 0.0 : snapshot.rounds.back().testAccuracy;
    report.layers = snapshot.layers;
    report.masks = maskData(masks, {});
    report.rounds = snapshot.rounds;
    report.epochs = snapshot.epochs;
    for (const auto& r : snapshot.rounds) {
        report.curveSparsity.push_back(r.sparsity);
        report.curveAccuracy.push_back(r.testAccuracy);
    }
    report.events = snapshot.events;
    writeReport(path, report);
}

} // namespace espalier::core
