#include "prunable.h"

#include "espalier/core/errors.h"

#include "moduleaccess.h"

namespace espalier::core {
namespace {

bool globMatch(const char* pattern, const char* text)
{
    if (*pattern == '\0')
        return *text == '\0';
    if (*pattern == '*')
        return globMatch(pattern + 1, text) || (*text != '\0' && globMatch(pattern, text + 1));
    if (*text != '\0' && (*pattern == '?' || *pattern == *text))
        return globMatch(pattern + 1, text + 1);
    return false;
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string joined;
    for (const auto& n : names)
        joined += (joined.empty() ? "" : ", ") + n;
    return joined;
}

} // namespace

bool layerPatternMatches(const std::string& pattern, const std::string& name)
{
    if (globMatch(pattern.c_str(), name.c_str()))
        return true;
    const std::string suffix = ".weight";
    return endsWith(name, suffix) &&
           globMatch(pattern.c_str(), name.substr(0, name.size() - suffix.size()).c_str());
}

std::vector<PrunableTensor> findPrunableTensors(const torch::jit::Module& module, const std::vector<std::string>& exclude)
{
    std::vector<PrunableTensor> all;
    std::vector<std::string> allNames;
    for (const auto& p : module.named_parameters(/*recurse=*/true)) {
        if (p.value.dim() >= 2 && (p.name == "weight" || endsWith(p.name, ".weight"))) {
            all.push_back({p.name, p.value});
            allNames.push_back(p.name);
        }
    }
    if (all.empty())
        throw InputError("the model has no prunable tensors (Conv/Linear weights of rank >= 2 named '*weight')");

    std::vector<bool> excluded(all.size(), false);
    for (const auto& pattern : exclude) {
        bool matched = false;
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (layerPatternMatches(pattern, all[i].name)) {
                excluded[i] = true;
                matched = true;
            }
        }
        if (!matched)
            throw InputError("exclude pattern '" + pattern + "' matches no prunable layer; layers are: " + joinNames(allNames));
    }
    std::vector<PrunableTensor> kept;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (!excluded[i])
            kept.push_back(all[i]);
    if (kept.empty())
        throw InputError("exclude patterns leave no prunable layer");
    return kept;
}

std::vector<std::size_t> matchLayers(const std::vector<PrunableTensor>& tensors, const std::string& pattern,
                                     const std::string& key)
{
    std::vector<std::size_t> hits;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        names.push_back(tensors[i].name);
        if (tensors[i].name == pattern || layerPatternMatches(pattern, tensors[i].name))
            hits.push_back(i);
    }
    if (hits.empty())
        throw InputError(key + ": '" + pattern + "' matches no prunable layer; layers are: " + joinNames(names));
    return hits;
}

} // namespace espalier::core
