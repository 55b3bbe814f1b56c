#include "snapshotjson.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "espalier/core/errors.h"

namespace espalier::core {

using nlohmann::json;

namespace {

// JSON has no NaN: nlohmann writes it as null, which must come back as NaN.
template <typename T>
void field(const json& j, const char* key, T& out)
{
    if (!j.contains(key))
        return; // a field this version does not know yet keeps its default
    const json& value = j.at(key);
    if constexpr (std::is_floating_point_v<T>)
        out = value.is_null() ? std::numeric_limits<T>::quiet_NaN() : value.get<T>();
    else
        out = value.get<T>();
}

} // namespace

void to_json(json& j, const SaliencyHistogram& h)
{
    j = json{{"edges", h.edges}, {"kept", h.keptCounts}, {"pruned", h.prunedCounts}, {"zero", h.zeroScores},
             {"threshold", h.threshold}};
}

void from_json(const json& j, SaliencyHistogram& h)
{
    field(j, "edges", h.edges);
    field(j, "kept", h.keptCounts);
    field(j, "pruned", h.prunedCounts);
    field(j, "zero", h.zeroScores);
    field(j, "threshold", h.threshold);
}

void to_json(json& j, const LayerStats& s)
{
    j = json{{"name", s.name},     {"shape", s.shape},       {"numel", s.numel},
             {"kept", s.kept},     {"floor", s.floor},       {"locked", s.locked},
             {"collapsed", s.collapsed}, {"effective_kept", s.effectiveKept}, {"drift", s.drift},
             {"channels", s.channels}, {"kept_channels", s.keptChannels}, {"histogram", s.histogram}};
}

void from_json(const json& j, LayerStats& s)
{
    field(j, "name", s.name);
    field(j, "shape", s.shape);
    field(j, "numel", s.numel);
    field(j, "kept", s.kept);
    field(j, "floor", s.floor);
    field(j, "locked", s.locked);
    field(j, "collapsed", s.collapsed);
    field(j, "effective_kept", s.effectiveKept);
    field(j, "drift", s.drift);
    field(j, "channels", s.channels);
    field(j, "kept_channels", s.keptChannels);
    field(j, "histogram", s.histogram);
}

void to_json(json& j, const EpochRecord& e)
{
    j = json{{"phase", e.phase},
             {"round", e.round},
             {"epoch", e.epoch},
             {"lr", e.lr},
             {"train_loss", e.trainLoss},
             {"train_accuracy", e.trainAccuracy},
             {"test_loss", e.testLoss},
             {"test_accuracy", e.testAccuracy},
             {"validation_accuracy", e.validationAccuracy},
             {"sparsity", e.sparsity},
             {"seconds", e.seconds},
             {"samples_per_second", e.samplesPerSecond},
             {"branch", e.branch},
             {"position", e.position}};
}

void from_json(const json& j, EpochRecord& e)
{
    field(j, "phase", e.phase);
    field(j, "round", e.round);
    field(j, "epoch", e.epoch);
    field(j, "lr", e.lr);
    field(j, "train_loss", e.trainLoss);
    field(j, "train_accuracy", e.trainAccuracy);
    field(j, "test_loss", e.testLoss);
    field(j, "test_accuracy", e.testAccuracy);
    field(j, "validation_accuracy", e.validationAccuracy);
    field(j, "sparsity", e.sparsity);
    field(j, "seconds", e.seconds);
    field(j, "samples_per_second", e.samplesPerSecond);
    field(j, "branch", e.branch);
    field(j, "position", e.position);
}

void to_json(json& j, const RoundRecord& r)
{
    j = json{{"round", r.round},
             {"target_sparsity", r.targetSparsity},
             {"sparsity", r.sparsity},
             {"train_loss", r.trainLoss},
             {"test_accuracy", r.testAccuracy},
             {"best_test_accuracy", r.bestTestAccuracy},
             {"validation_accuracy", r.validationAccuracy},
             {"test_loss", r.testLoss},
             {"seconds", r.seconds},
             {"collapsed_layers", r.collapsedLayers},
             {"effective_sparsity", r.effectiveSparsity},
             {"disconnected", r.disconnected},
             {"branch", r.branch},
             {"position", r.position},
             {"mask_checksum", r.maskChecksum}};
}

void from_json(const json& j, RoundRecord& r)
{
    field(j, "round", r.round);
    field(j, "target_sparsity", r.targetSparsity);
    field(j, "sparsity", r.sparsity);
    field(j, "train_loss", r.trainLoss);
    field(j, "test_accuracy", r.testAccuracy);
    field(j, "best_test_accuracy", r.bestTestAccuracy);
    field(j, "validation_accuracy", r.validationAccuracy);
    field(j, "test_loss", r.testLoss);
    field(j, "seconds", r.seconds);
    field(j, "collapsed_layers", r.collapsedLayers);
    field(j, "effective_sparsity", r.effectiveSparsity);
    field(j, "disconnected", r.disconnected);
    field(j, "branch", r.branch);
    field(j, "position", r.position);
    field(j, "mask_checksum", r.maskChecksum);
}

void to_json(json& j, const Annotation& a)
{
    j = json{{"position", a.position}, {"round", a.round}, {"branch", a.branch}, {"text", a.text}};
}

void from_json(const json& j, Annotation& a)
{
    field(j, "position", a.position);
    field(j, "round", a.round);
    field(j, "branch", a.branch);
    field(j, "text", a.text);
}

void to_json(json& j, const CollapseWarning& w)
{
    j = json{{"round", w.round}, {"layer", w.layer}, {"policy", w.policy}, {"action", w.action}, {"message", w.message}};
}

void from_json(const json& j, CollapseWarning& w)
{
    field(j, "round", w.round);
    field(j, "layer", w.layer);
    field(j, "policy", w.policy);
    field(j, "action", w.action);
    field(j, "message", w.message);
}

std::string snapshotToJson(const Snapshot& s)
{
    const json j{{"state", int(s.state)},
                 {"phase", s.phase},
                 {"round", s.round},
                 {"total_rounds", s.totalRounds},
                 {"epoch", s.epoch},
                 {"total_epochs", s.totalEpochs},
                 {"sparsity", s.sparsity},
                 {"effective_sparsity", s.effectiveSparsity},
                 {"target_sparsity", s.targetSparsity},
                 {"prunable_weights", s.prunableWeights},
                 {"kept_weights", s.keptWeights},
                 {"layers", s.layers},
                 {"epochs", s.epochs},
                 {"rounds", s.rounds},
                 {"events", s.events},
                 {"collapse_warnings", s.collapseWarnings},
                 {"annotations", s.annotations},
                 {"rollback_rounds", s.rollbackRounds},
                 {"branch", s.branch}};
    return j.dump();
}

Snapshot snapshotFromJson(const std::string& text, const std::string& source)
{
    Snapshot s;
    try {
        const json j = json::parse(text);
        if (!j.is_object())
            throw InputError(source + ": the session snapshot is not a JSON object");
        int state = 0;
        field(j, "state", state);
        s.state = SessionState(state);
        field(j, "phase", s.phase);
        field(j, "round", s.round);
        field(j, "total_rounds", s.totalRounds);
        field(j, "epoch", s.epoch);
        field(j, "total_epochs", s.totalEpochs);
        field(j, "sparsity", s.sparsity);
        field(j, "effective_sparsity", s.effectiveSparsity);
        field(j, "target_sparsity", s.targetSparsity);
        field(j, "prunable_weights", s.prunableWeights);
        field(j, "kept_weights", s.keptWeights);
        field(j, "layers", s.layers);
        field(j, "epochs", s.epochs);
        field(j, "rounds", s.rounds);
        field(j, "events", s.events);
        field(j, "collapse_warnings", s.collapseWarnings);
        field(j, "annotations", s.annotations);
        field(j, "rollback_rounds", s.rollbackRounds);
        field(j, "branch", s.branch);
    } catch (const json::exception& e) {
        throw InputError(source + ": the session snapshot is not valid (" + std::string(e.what()) + ")");
    }
    return s;
}

std::string roundRecordToJson(const RoundRecord& record)
{
    return json(record).dump();
}

RoundRecord roundRecordFromJson(const std::string& text, const std::string& source)
{
    RoundRecord record;
    try {
        json::parse(text).get_to(record);
    } catch (const json::exception& e) {
        throw InputError(source + ": not a round record (" + std::string(e.what()) + ")");
    }
    return record;
}

} // namespace espalier::core
