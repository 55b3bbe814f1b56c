#include "checkpointsummary.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "hdf5file.h"
#include "sparsecheckpoint.h"
#include "summarytext.h"

namespace espalier::core {

namespace {

using nlohmann::json;

std::string kib(std::int64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f KiB", double(bytes) / 1024.0);
    return text;
}

} // namespace

bool isSparseCheckpointFile(const std::string& path)
{
    h5::File file = h5::File::open(path);
    bool checkpoint = false;
    {
        const h5::Group root = file.root();
        checkpoint = root.hasAttribute("format") && root.readString("format") == "espalier-sparse-checkpoint";
    }
    file.close();
    return checkpoint;
}

json summarizeSparseCheckpoint(const std::string& path)
{
    const SparseCheckpoint checkpoint = readSparseCheckpoint(path);
    json layers = json::array();
    std::int64_t numel = 0;
    std::int64_t kept = 0;
    std::int64_t denseBytes = 0;
    std::int64_t denseTensors = 0;
    std::int64_t denseValues = 0;
    for (const CheckpointTensor& t : checkpoint.tensors) {
        denseBytes += std::int64_t(t.value.nbytes());
        if (!t.mask.defined()) {
            ++denseTensors;
            denseValues += t.value.numel();
            continue;
        }
        const std::int64_t k = t.mask.sum().item<std::int64_t>();
        numel += t.value.numel();
        kept += k;
        layers.push_back({{"name", t.name},
                          {"shape", t.value.sizes().vec()},
                          {"numel", t.value.numel()},
                          {"kept", k},
                          {"density", t.value.numel() > 0 ? double(k) / double(t.value.numel()) : 0.0}});
    }
    const auto fileBytes = std::int64_t(std::filesystem::file_size(path));
    const double density = numel > 0 ? double(kept) / double(numel) : 0.0;
    return {{"file", path},
            {"format", "espalier-sparse-checkpoint"},
            {"format_version", 1},
            {"espalier_version", checkpoint.espalierVersion},
            {"model", checkpoint.model},
            {"layers", layers},
            {"dense_tensors", denseTensors},
            {"dense_values", denseValues},
            {"prunable_weights", numel},
            {"kept_weights", kept},
            {"density", density},
            {"sparsity", numel > 0 ? 1.0 - density : 0.0},
            {"file_bytes", fileBytes},
            {"dense_bytes", denseBytes},
            {"size_ratio", denseBytes > 0 ? double(fileBytes) / double(denseBytes) : 0.0}};
}

std::string renderSparseCheckpoint(const json& s)
{
    std::string out = "Espalier sparse checkpoint: " + s["file"].get<std::string>() + "\n";
    out += "  format          espalier-sparse-checkpoint 1 (written by Espalier " +
           s["espalier_version"].get<std::string>() + ")\n";
    out += "  model           " + s["model"].get<std::string>() + "\n";
    out += "  size            " + kib(s["file_bytes"].get<std::int64_t>()) + " on disk for " +
           kib(s["dense_bytes"].get<std::int64_t>()) + " of dense tensors (" +
           percent(s["size_ratio"].get<double>()) + ")\n";
    std::vector<std::vector<std::string>> rows = {{"name", "shape", "numel", "kept", "density"}};
    for (const json& l : s["layers"])
        rows.push_back({l["name"].get<std::string>(), shapeText(l["shape"]),
                        std::to_string(l["numel"].get<std::int64_t>()),
                        std::to_string(l["kept"].get<std::int64_t>()), percent(l["density"].get<double>())});
    rows.push_back({"total", "", std::to_string(s["prunable_weights"].get<std::int64_t>()),
                    std::to_string(s["kept_weights"].get<std::int64_t>()), percent(s["density"].get<double>())});
    out += "\nSparse tensors (" + std::to_string(s["layers"].size()) + ")\n" + table(rows, 2);
    out += "\nDense tensors: " + std::to_string(s["dense_tensors"].get<std::int64_t>()) + " (" +
           std::to_string(s["dense_values"].get<std::int64_t>()) + " values: biases, norms, unpruned layers)\n";
    out += "\nSparsity: " + percent(s["sparsity"].get<double>()) + " (kept " +
           std::to_string(s["kept_weights"].get<std::int64_t>()) + " of " +
           std::to_string(s["prunable_weights"].get<std::int64_t>()) + " prunable weights)\n";
    return out;
}

} // namespace espalier::core
