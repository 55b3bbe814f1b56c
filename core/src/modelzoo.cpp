// The built-in architectures, exactly as reference/algorithms.md §2 describes them, defined as
// TorchScript modules so that they save and load like any model a user brings.
#include "model.h"

#include <sstream>

#include "espalier/core/errors.h"
#include "zoolayers.h"

namespace espalier::core {
namespace {

using zoo::WeightInit;

std::int64_t flatSize(const std::vector<std::int64_t>& shape)
{
    std::int64_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

torch::jit::Module lenet300(const std::vector<std::int64_t>& input, int classes)
{
    auto net = zoo::makeModule("LeNet300");
    net.register_module("fc1", zoo::makeLinear("Linear", flatSize(input), 300, WeightInit::PyTorchDefault));
    net.register_module("fc2", zoo::makeLinear("Linear", 300, 100, WeightInit::PyTorchDefault));
    net.register_module("fc3", zoo::makeLinear("Linear", 100, classes, WeightInit::PyTorchDefault));
    net.define(R"(
def forward(self, x):
    x = torch.flatten(x, 1)
    x = torch.relu(self.fc1.forward(x))
    x = torch.relu(self.fc2.forward(x))
    return self.fc3.forward(x)
)");
    return net;
}

// LeNet5-Caffe as in ESPN's archs: ReLU after both convs (SNIP's TF version has none).
torch::jit::Module lenet5(const std::vector<std::int64_t>& input, int classes)
{
    const std::int64_t h = ((input[1] - 4) / 2 - 4) / 2;
    const std::int64_t w = ((input[2] - 4) / 2 - 4) / 2;
    if (h < 1 || w < 1)
        throw InputError("lenet5 needs inputs of at least 16×16 pixels");
    auto net = zoo::makeModule("LeNet5Caffe");
    net.register_module("conv1", zoo::makeConv("Conv2d", input[0], 20, 5, 1, 0, true, WeightInit::PyTorchDefault));
    net.register_module("conv2", zoo::makeConv("Conv2d", 20, 50, 5, 1, 0, true, WeightInit::PyTorchDefault));
    net.register_module("fc3", zoo::makeLinear("Linear", 50 * h * w, 500, WeightInit::PyTorchDefault));
    net.register_module("fc4", zoo::makeLinear("Linear", 500, classes, WeightInit::PyTorchDefault));
    net.define(R"(
def forward(self, x):
    x = torch.max_pool2d(torch.relu(self.conv1.forward(x)), [2, 2])
    x = torch.max_pool2d(torch.relu(self.conv2.forward(x)), [2, 2])
    x = torch.flatten(x, 1)
    x = torch.relu(self.fc3.forward(x))
    return self.fc4.forward(x)
)");
    return net;
}

// LeNet5-Caffe with BatchNorm after conv1, conv2 and fc3 (convs without bias), so network slimming
// has a γ for every prunable channel; the layer sizes are lenet5's.
torch::jit::Module lenet5bn(const std::vector<std::int64_t>& input, int classes)
{
    const std::int64_t h = ((input[1] - 4) / 2 - 4) / 2;
    const std::int64_t w = ((input[2] - 4) / 2 - 4) / 2;
    if (h < 1 || w < 1)
        throw InputError("lenet5-bn needs inputs of at least 16×16 pixels");
    auto net = zoo::makeModule("LeNet5CaffeBN");
    net.register_module("conv1", zoo::makeConv("Conv2d", input[0], 20, 5, 1, 0, false, WeightInit::PyTorchDefault));
    net.register_module("bn1", zoo::makeBatchNorm("BatchNorm2d", 20));
    net.register_module("conv2", zoo::makeConv("Conv2d", 20, 50, 5, 1, 0, false, WeightInit::PyTorchDefault));
    net.register_module("bn2", zoo::makeBatchNorm("BatchNorm2d", 50));
    net.register_module("fc3", zoo::makeLinear("Linear", 50 * h * w, 500, WeightInit::PyTorchDefault));
    net.register_module("bn3", zoo::makeBatchNorm("BatchNorm1d", 500));
    net.register_module("fc4", zoo::makeLinear("Linear", 500, classes, WeightInit::PyTorchDefault));
    net.define(R"(
def forward(self, x):
    x = torch.max_pool2d(torch.relu(self.bn1.forward(self.conv1.forward(x))), [2, 2])
    x = torch.max_pool2d(torch.relu(self.bn2.forward(self.conv2.forward(x))), [2, 2])
    x = torch.flatten(x, 1)
    x = torch.relu(self.bn3.forward(self.fc3.forward(x)))
    return self.fc4.forward(x)
)");
    return net;
}

// GraSP-style CIFAR VGG with BN: 3×3 convs without bias, the final max-pool dropped (2×2 map at
// 32×32 input), AvgPool2d(2), one Linear(512, classes).
torch::jit::Module vgg(const std::string& name, const std::vector<int>& cfg,
                       const std::vector<std::int64_t>& input, int classes)
{
    auto net = zoo::makeModule(name);
    std::ostringstream src;
    src << "def forward(self, x):\n";
    std::int64_t channels = input[0];
    std::int64_t height = input[1];
    std::int64_t width = input[2];
    int conv = 0;
    for (int planes : cfg) {
        if (planes == 0) {
            src << "    x = torch.max_pool2d(x, [2, 2])\n";
            height /= 2;
            width /= 2;
            continue;
        }
        ++conv;
        const auto idx = std::to_string(conv);
        net.register_module("conv" + idx,
                            zoo::makeConv("Conv2d", channels, planes, 3, 1, 1, false, WeightInit::KaimingNormalFanOut));
        net.register_module("bn" + idx, zoo::makeBatchNorm("BatchNorm2d", planes));
        src << "    x = torch.relu(self.bn" << idx << ".forward(self.conv" << idx << ".forward(x)))\n";
        channels = planes;
    }
    if (height < 2 || width < 2)
        throw InputError(name + " needs 32×32 inputs (got " + std::to_string(input[1]) + "×" +
                         std::to_string(input[2]) + ")");
    src << "    x = torch.avg_pool2d(x, [2, 2])\n    x = torch.flatten(x, 1)\n    return self.classifier.forward(x)\n";
    const std::int64_t features = channels * (height / 2) * (width / 2);
    net.register_module("classifier", zoo::makeLinear("Linear", features, classes, WeightInit::Normal001));
    net.define(src.str());
    return net;
}

torch::jit::Module basicBlock(std::int64_t in, std::int64_t planes, std::int64_t stride)
{
    auto block = zoo::makeModule("BasicBlock");
    block.register_module("conv1", zoo::makeConv("Conv2d", in, planes, 3, stride, 1, false, WeightInit::KaimingNormalFanIn));
    block.register_module("bn1", zoo::makeBatchNorm("BatchNorm2d", planes));
    block.register_module("conv2", zoo::makeConv("Conv2d", planes, planes, 3, 1, 1, false, WeightInit::KaimingNormalFanIn));
    block.register_module("bn2", zoo::makeBatchNorm("BatchNorm2d", planes));
    std::string shortcut = "x";
    if (stride != 1 || in != planes) {
        // Option A: subsample and zero-pad planes/4 channels on each side; no parameters. The
        // amounts are attributes so that structured pruning can shrink them with the channels.
        block.register_attribute("pad_before", c10::IntType::get(), planes / 4);
        block.register_attribute("pad_after", c10::IntType::get(), planes / 4);
        shortcut = "torch.constant_pad_nd(x[:, :, ::2, ::2], [0, 0, 0, 0, self.pad_before, self.pad_after], 0.0)";
    }
    block.define("def forward(self, x):\n"
                 "    out = torch.relu(self.bn1.forward(self.conv1.forward(x)))\n"
                 "    out = self.bn2.forward(self.conv2.forward(out))\n"
                 "    return torch.relu(out + " + shortcut + ")\n");
    return block;
}

// CIFAR ResNet (He et al. 2016, option-A shortcuts); widths 16/32/64 × the multiplier.
torch::jit::Module resnet(const std::string& name, int blocksPerStage, double widthMultiplier,
                          const std::vector<std::int64_t>& input, int classes)
{
    auto net = zoo::makeModule(name);
    const std::int64_t base = std::llround(16 * widthMultiplier);
    if (base < 4 || base % 4 != 0)
        throw InputError("model.width_multiplier " + std::to_string(widthMultiplier) +
                         " gives a first-stage width of " + std::to_string(base) + "; it must be a multiple of 4");
    net.register_module("conv1", zoo::makeConv("Conv2d", input[0], base, 3, 1, 1, false, WeightInit::KaimingNormalFanIn));
    net.register_module("bn1", zoo::makeBatchNorm("BatchNorm2d", base));
    std::ostringstream src;
    src << "def forward(self, x):\n    x = torch.relu(self.bn1.forward(self.conv1.forward(x)))\n";
    std::int64_t in = base;
    for (int stage = 0; stage < 3; ++stage) {
        const std::int64_t planes = base << stage;
        for (int b = 0; b < blocksPerStage; ++b) {
            const auto blockName = "layer" + std::to_string(stage + 1) + "_" + std::to_string(b);
            net.register_module(blockName, basicBlock(in, planes, (stage > 0 && b == 0) ? 2 : 1));
            src << "    x = self." << blockName << ".forward(x)\n";
            in = planes;
        }
    }
    src << "    x = torch.mean(x, [2, 3])\n    return self.fc.forward(x)\n";
    auto fc = zoo::makeLinear("Linear", in, classes, WeightInit::KaimingNormalFanIn);
    net.register_module("fc", fc);
    net.define(src.str());
    return net;
}

const std::vector<int> kVgg11{64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512};
const std::vector<int> kVgg16{64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512};
const std::vector<int> kVgg19{64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512};

} // namespace

const std::vector<std::string>& zooModelNames()
{
    static const std::vector<std::string> names{"lenet300", "lenet5", "lenet5-bn", "vgg11", "vgg16", "vgg19", "resnet20", "resnet32"};
    return names;
}

bool isZooModel(const std::string& name)
{
    const auto& names = zooModelNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

Model buildZooModel(const ModelSpec& spec, const std::vector<std::int64_t>& inputShape, int numClasses)
{
    Model model;
    model.name = spec.name;
    model.inputShape = inputShape;
    model.numClasses = numClasses;
    const auto& n = spec.name;
    if (n == "lenet300")
        model.module = lenet300(inputShape, numClasses);
    else if (n == "lenet5")
        model.module = lenet5(inputShape, numClasses);
    else if (n == "lenet5-bn")
        model.module = lenet5bn(inputShape, numClasses);
    else if (n == "vgg11")
        model.module = vgg("VGG11", kVgg11, inputShape, numClasses);
    else if (n == "vgg16")
        model.module = vgg("VGG16", kVgg16, inputShape, numClasses);
    else if (n == "vgg19")
        model.module = vgg("VGG19", kVgg19, inputShape, numClasses);
    else if (n == "resnet20")
        model.module = resnet("ResNet20", 3, spec.widthMultiplier, inputShape, numClasses);
    else if (n == "resnet32")
        model.module = resnet("ResNet32", 5, spec.widthMultiplier, inputShape, numClasses);
    else
        throw InputError("unknown zoo model '" + n + "'");
    return model;
}

} // namespace espalier::core
