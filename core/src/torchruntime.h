#pragma once

namespace espalier::core {

/// Prepares LibTorch on the calling thread before a run: intra-op threads (0 = hardware
/// concurrency) and the TorchScript executor mode (see torchruntime.cpp).
void prepareTorchRuntime(int threads);

/// The thread count `threads` resolves to (0 = hardware concurrency).
int resolvedThreads(int threads);

} // namespace espalier::core
