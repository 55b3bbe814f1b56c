#include "resulttables.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace espalier::cli {
namespace {

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text;
    for (auto d : shape)
        text += (text.empty() ? "" : "x") + std::to_string(d);
    return text;
}

std::string padded(const std::string& text, std::size_t width, bool right = false)
{
    if (text.size() >= width)
        return text;
    const std::string pad(width - text.size(), ' ');
    return right ? pad + text : text + pad;
}

} // namespace

std::string percent(double fraction)
{
    if (std::isnan(fraction))
        return "-";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f %%", 100.0 * fraction);
    return buffer;
}

std::string layerTable(const std::vector<core::LayerStats>& layers)
{
    std::size_t nameWidth = 5;
    for (const auto& l : layers)
        nameWidth = std::max(nameWidth, l.name.size());
    std::ostringstream out;
    out << padded("layer", nameWidth) << "  " << padded("shape", 14) << padded("weights", 11, true)
        << padded("kept", 10, true) << padded("density", 11, true) << padded("channels", 11, true) << "\n";
    std::int64_t total = 0;
    std::int64_t kept = 0;
    for (const auto& l : layers) {
        out << padded(l.name, nameWidth) << "  " << padded(shapeText(l.shape), 14)
            << padded(std::to_string(l.numel), 11, true) << padded(std::to_string(l.kept), 10, true)
            << padded(percent(l.density()), 11, true)
            << padded(l.channels > 0 ? std::to_string(l.keptChannels) + "/" + std::to_string(l.channels) : "-", 11, true)
            << (l.collapsed ? "  COLLAPSED" : "") << "\n";
        total += l.numel;
        kept += l.kept;
    }
    out << padded("total", nameWidth) << "  " << padded("", 14) << padded(std::to_string(total), 11, true)
        << padded(std::to_string(kept), 10, true)
        << padded(percent(total > 0 ? double(kept) / double(total) : 0.0), 11, true) << "\n";
    return out.str();
}

std::string channelTable(const std::vector<core::ChannelLayerReport>& layers)
{
    std::size_t nameWidth = 5;
    for (const auto& l : layers)
        nameWidth = std::max(nameWidth, l.layer.size());
    std::ostringstream out;
    out << padded("layer", nameWidth) << padded("channels", 10, true) << padded("kept", 7, true)
        << padded("group", 7, true) << "  kept because\n";
    for (const auto& l : layers)
        out << padded(l.layer, nameWidth) << padded(std::to_string(l.channels), 10, true)
            << padded(std::to_string(l.kept), 7, true) << padded(std::to_string(l.group), 7, true) << "  "
            << l.keptBecause << "\n";
    return out.str();
}

nlohmann::json channelLayersJson(const std::vector<core::ChannelLayerReport>& layers)
{
    auto out = nlohmann::json::array();
    for (const auto& l : layers)
        out.push_back({{"layer", l.layer}, {"channels", l.channels}, {"kept", l.kept}, {"group", l.group},
                       {"kept_because", l.keptBecause}});
    return out;
}

std::string roundTable(const std::vector<core::RoundRecord>& rounds)
{
    std::ostringstream out;
    out << padded("round", 6) << padded("target", 10, true) << padded("sparsity", 10, true)
        << padded("train loss", 12, true) << padded("test acc", 10, true) << padded("best acc", 10, true)
        << padded("val acc", 10, true) << padded("seconds", 9, true) << "\n";
    for (const auto& r : rounds) {
        char loss[32];
        std::snprintf(loss, sizeof loss, "%.4f", r.trainLoss);
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", r.seconds);
        out << padded(std::to_string(r.round), 6) << padded(percent(r.targetSparsity), 10, true)
            << padded(percent(r.sparsity), 10, true) << padded(std::isnan(r.trainLoss) ? "-" : loss, 12, true)
            << padded(percent(r.testAccuracy), 10, true) << padded(percent(r.bestTestAccuracy), 10, true)
            << padded(percent(r.validationAccuracy), 10, true) << padded(seconds, 9, true) << "\n";
    }
    return out.str();
}

nlohmann::json layersJson(const std::vector<core::LayerStats>& layers)
{
    auto array = nlohmann::json::array();
    for (const auto& l : layers)
        array.push_back({{"name", l.name}, {"shape", l.shape}, {"numel", l.numel}, {"kept", l.kept},
                         {"density", l.density()}, {"effective_kept", l.effectiveKept},
                         {"channels", l.channels}, {"kept_channels", l.keptChannels}, {"collapsed", l.collapsed}});
    return array;
}

namespace {

nlohmann::json number(double v)
{
    return std::isnan(v) ? nlohmann::json() : nlohmann::json(v);
}

} // namespace

nlohmann::json epochsJson(const std::vector<core::EpochRecord>& epochs)
{
    auto array = nlohmann::json::array();
    for (const auto& e : epochs)
        array.push_back({{"phase", e.phase}, {"round", e.round}, {"epoch", e.epoch}, {"lr", e.lr},
                         {"train_loss", e.trainLoss}, {"train_accuracy", e.trainAccuracy}, {"test_loss", e.testLoss},
                         {"test_accuracy", e.testAccuracy}, {"validation_accuracy", number(e.validationAccuracy)},
                         {"sparsity", e.sparsity}, {"seconds", e.seconds}, {"samples_per_second", e.samplesPerSecond}});
    return array;
}

nlohmann::json roundsJson(const std::vector<core::RoundRecord>& rounds)
{
    auto array = nlohmann::json::array();
    for (const auto& r : rounds)
        array.push_back({{"round", r.round}, {"target_sparsity", r.targetSparsity}, {"sparsity", r.sparsity},
                         {"train_loss", number(r.trainLoss)}, {"test_accuracy", r.testAccuracy},
                         {"best_test_accuracy", r.bestTestAccuracy},
                         {"validation_accuracy", number(r.validationAccuracy)}, {"test_loss", r.testLoss},
                         {"seconds", r.seconds}, {"collapsed_layers", r.collapsedLayers},
                         {"effective_sparsity", r.effectiveSparsity}, {"disconnected", r.disconnected},
                         {"mask_checksum", r.maskChecksum}});
    return array;
}

} // namespace espalier::cli
