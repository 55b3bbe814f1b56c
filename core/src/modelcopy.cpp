#include "modelcopy.h"

#include "moduleaccess.h"

namespace espalier::core {

MaskedModelCopy copyMaskedModel(const Model& model, const MaskSet& masks)
{
    MaskedModelCopy copy{model, {}};
    copy.model.module = model.module.deepcopy();
    std::vector<PrunableTensor> tensors;
    std::vector<torch::Tensor> current;
    for (std::size_t i = 0; i < masks.size(); ++i) {
        const auto& name = masks.tensors()[i].name;
        auto [owner, attr] = attributeOwner(copy.model.module, name);
        tensors.push_back({name, owner.attr(attr).toTensor()});
        current.push_back(masks.mask(i).clone());
    }
    copy.masks = MaskSet(tensors);
    copy.masks.setMasks(current);
    return copy;
}

} // namespace espalier::core
