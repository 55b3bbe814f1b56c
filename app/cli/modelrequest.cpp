#include "modelrequest.h"

#include <nlohmann/json.hpp>

namespace espalier::cli {

core::Recipe modelRequest(const std::string& model, const std::string& weights, const std::string& data,
                          const std::string& dataRoot, const std::string& what)
{
    nlohmann::json request{{"model", {{"name", model}}}, {"data", {{"name", data}}}};
    if (!dataRoot.empty())
        request["data"]["root"] = dataRoot;
    if (!weights.empty())
        request["model"]["weights"] = weights;
    return core::parseRecipe(request.dump(), what);
}

} // namespace espalier::cli
