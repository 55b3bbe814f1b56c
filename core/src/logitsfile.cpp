#include "logitsfile.h"

#include "atomicfile.h"
#include "espalier/core/errors.h"
#include "hdf5file.h"
#include "hdf5tensor.h"

namespace espalier::core {

void writeLogits(Model& model, const TensorDataset& data, std::int64_t samples, const std::string& path)
{
    if (samples < 1 || samples > data.size())
        throw InputError("--samples must be in 1.." + std::to_string(data.size()) + " (the test set's size), got " +
                         std::to_string(samples));
    const torch::Tensor inputs = data.images.slice(0, 0, samples).contiguous();
    torch::Tensor logits;
    {
        torch::NoGradGuard noGrad;
        const bool wasTraining = model.module.is_training();
        model.module.eval();
        logits = model.forward(inputs).to(torch::kFloat32);
        model.module.train(wasTraining);
    }
    AtomicFile out(path);
    h5::File file = h5::File::create(out.tempPath(), path);
    {
        const h5::Group root = file.root();
        root.writeString("format", "espalier-logits");
        root.writeInt64("format_version", 1);
        root.writeString("espalier_version", ESPALIER_VERSION);
        root.writeString("model", model.name);
        writeTensor(root, "inputs", inputs);
        writeTensor(root, "logits", logits);
        writeTensor(root, "labels", data.labels.slice(0, 0, samples));
    }
    file.close();
    out.commit();
}

} // namespace espalier::core
