#include "moduleaccess.h"

namespace espalier::core {

std::pair<torch::jit::Module, std::string> attributeOwner(const torch::jit::Module& root, const std::string& name)
{
    torch::jit::Module module = root;
    std::string rest = name;
    for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
        module = module.attr(rest.substr(0, dot)).toModule();
        rest = rest.substr(dot + 1);
    }
    return {module, rest};
}

torch::Tensor namedTensor(const torch::jit::Module& root, const std::string& name)
{
    auto [owner, attr] = attributeOwner(root, name);
    return owner.attr(attr).toTensor();
}

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace espalier::core
