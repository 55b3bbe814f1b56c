#include "torchruntime.h"

#include <algorithm>
#include <thread>

#include <torch/csrc/jit/python/update_graph_executor_opt.h>

namespace espalier::core {

int resolvedThreads(int threads)
{
    return threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

void prepareTorchRuntime(int threads)
{
    at::init_num_threads();
    at::set_num_threads(resolvedThreads(threads));
    // The profiling executor re-optimises the graph for every new input shape and runs the first
    // epoch 3-5x slower while it does; our models are plain aten calls that gain nothing from
    // fusion on CPU, so run them unoptimised: the same kernels eager PyTorch calls.
    torch::jit::setGraphExecutorOptimize(false);
}

} // namespace espalier::core
