#include "zoolayers.h"

#include <atomic>
#include <cmath>

namespace espalier::core::zoo {
namespace {

// TorchScript serialises types by qualified name; two zoo models in one process must not share one.
std::string uniqueName(const std::string& className)
{
    static std::atomic<int> counter{0};
    return "__torch__.espalier." + className + "_" + std::to_string(counter++);
}

void initWeight(torch::Tensor& weight, WeightInit init)
{
    torch::NoGradGuard noGrad;
    switch (init) {
    case WeightInit::PyTorchDefault:
        torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
        break;
    case WeightInit::KaimingNormalFanOut:
        torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanOut, torch::kReLU);
        break;
    case WeightInit::KaimingNormalFanIn:
        torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanIn, torch::kReLU);
        break;
    case WeightInit::Normal001:
        torch::nn::init::normal_(weight, 0.0, 0.01);
        break;
    }
}

torch::Tensor makeBias(std::int64_t out, std::int64_t fanIn, WeightInit init)
{
    torch::NoGradGuard noGrad;
    if (init == WeightInit::Normal001)
        return torch::zeros({out});
    const double bound = 1.0 / std::sqrt(double(fanIn));
    return torch::empty({out}).uniform_(-bound, bound);
}

} // namespace

torch::jit::Module makeModule(const std::string& className)
{
    torch::jit::Module module(uniqueName(className));
    module.register_attribute("training", c10::BoolType::get(), true);
    return module;
}

torch::jit::Module makeLinear(const std::string& className, std::int64_t in, std::int64_t out, WeightInit init)
{
    auto module = makeModule(className);
    auto weight = torch::empty({out, in});
    initWeight(weight, init);
    module.register_parameter("weight", weight, /*is_buffer=*/false);
    module.register_parameter("bias", makeBias(out, in, init), /*is_buffer=*/false);
    module.define(R"(
def forward(self, x):
    return torch.linear(x, self.weight, self.bias)
)");
    return module;
}

torch::jit::Module makeConv(const std::string& className, std::int64_t in, std::int64_t out, std::int64_t kernel,
                            std::int64_t stride, std::int64_t padding, bool bias, WeightInit init)
{
    auto module = makeModule(className);
    auto weight = torch::empty({out, in, kernel, kernel});
    initWeight(weight, init);
    module.register_parameter("weight", weight, /*is_buffer=*/false);
    const std::string geometry = "[" + std::to_string(stride) + ", " + std::to_string(stride) + "], [" +
                                 std::to_string(padding) + ", " + std::to_string(padding) + "]";
    if (bias) {
        module.register_parameter("bias", makeBias(out, in * kernel * kernel, init), /*is_buffer=*/false);
        module.define("def forward(self, x):\n    return torch.conv2d(x, self.weight, self.bias, " + geometry + ")\n");
    } else {
        module.define("def forward(self, x):\n    return torch.conv2d(x, self.weight, None, " + geometry + ")\n");
    }
    return module;
}

torch::jit::Module makeBatchNorm(const std::string& className, std::int64_t channels)
{
    auto module = makeModule(className);
    module.register_parameter("weight", torch::ones({channels}), /*is_buffer=*/false);
    module.register_parameter("bias", torch::zeros({channels}), /*is_buffer=*/false);
    module.register_buffer("running_mean", torch::zeros({channels}));
    module.register_buffer("running_var", torch::ones({channels}));
    module.define(R"(
def forward(self, x):
    return torch.batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var,
                            self.training, 0.1, 1e-5, False)
)");
    return module;
}

} // namespace espalier::core::zoo
