// Counters of what the host asked the fake driver to do, printed as one line at exit when QRECIPE_FAKE_CUDA_STATS is 1 or 2
// (2 adds the per-kernel table of kernels.cpp).
#pragma once
#include <atomic>

namespace fake
{
struct Stats
{
    std::atomic<unsigned long long> allocations{0}, frees{0}, live_bytes{0}, peak_bytes{0};
    std::atomic<unsigned long long> to_device{0}, to_host{0}, on_device{0}, set{0};
    std::atomic<unsigned long long> copies{0}, launches{0}, threads{0}, launch_ns{0}, modules{0}, failures{0};
    // Handles created and not yet destroyed: what is left at exit was never released by the host.
    std::atomic<long long> live_streams{0}, live_events{0}, live_modules{0};
};

Stats& stats();
}
