#include "interrupt.h"

#include <atomic>
#include <csignal>
#include <cstdlib>

namespace espalier::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int)
{
    if (g_interrupted.exchange(true))
        std::_Exit(130);
}

} // namespace

void installInterruptHandler()
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

bool interruptRequested()
{
    return g_interrupted.load();
}

} // namespace espalier::cli
