#include "espalier/core/liverun.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "atomicfile.h"
#include "espalier/core/errors.h"
#include "snapshotjson.h"

namespace espalier::core {

namespace {

const char* requestName(RunRequest request)
{
    switch (request) {
    case RunRequest::Pause:
        return "pause";
    case RunRequest::Resume:
        return "resume";
    case RunRequest::Stop:
        return "stop";
    }
    return "pause";
}

std::optional<std::string> readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

std::string liveSnapshotPath(const std::string& folder)
{
    return (std::filesystem::path(folder) / "live.json").string();
}

std::string runRequestPath(const std::string& folder)
{
    return (std::filesystem::path(folder) / "requests.json").string();
}

void writeLiveSnapshot(const std::string& folder, const Snapshot& snapshot)
{
    writeFileAtomically(liveSnapshotPath(folder), snapshotToJson(snapshot));
}

Snapshot readLiveSnapshot(const std::string& folder)
{
    const auto path = liveSnapshotPath(folder);
    const auto text = readText(path);
    if (!text)
        throw InputError(path + ": no live run here (espalier-cli run writes live.json into its --out folder)");
    return snapshotFromJson(*text, path);
}

void writeRunRequest(const std::string& folder, const RunRequestEntry& entry)
{
    const nlohmann::json j{{"sequence", entry.sequence}, {"request", requestName(entry.request)}};
    writeFileAtomically(runRequestPath(folder), j.dump());
}

std::optional<RunRequestEntry> readRunRequest(const std::string& folder)
{
    const auto text = readText(runRequestPath(folder));
    if (!text)
        return std::nullopt;
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("sequence") || !j["sequence"].is_number_unsigned() || !j.contains("request") ||
        !j["request"].is_string())
        return std::nullopt;
    RunRequestEntry entry;
    entry.sequence = j["sequence"].get<std::uint64_t>();
    const auto name = j["request"].get<std::string>();
    if (name == "pause")
        entry.request = RunRequest::Pause;
    else if (name == "resume")
        entry.request = RunRequest::Resume;
    else if (name == "stop")
        entry.request = RunRequest::Stop;
    else
        return std::nullopt;
    return entry;
}

} // namespace espalier::core
