// Every __global__ kernel of src/QRecipe.Runtime.Cuda/Kernels, compiled as C++ against emulate.h
// (kernels.inc) and listed by kernel-table.sh (kernel_table.inc). A launch unpacks cuLaunchKernel's parameter pointers
// into the kernel's own parameter types, checks pointer arguments against live allocations, runs the grid and then
// checks the guard bytes behind every allocation the kernel could write. With QRECIPE_FAKE_CUDA_STATS=2 the exit
// report lists every kernel's launches, CUDA threads, time and largest dynamic shared memory, unlaunched ones too.
#include "emulate.h"
#include "kernels.inc"
#include "kernels.h"
#include "stats.h"
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <type_traits>
#include <utility>

namespace
{
struct Usage
{
    std::atomic<unsigned long long> launches{0}, threads{0}, ns{0}, max_shared{0};
};

void record(const fake::Launch& launch, unsigned long long ns);

template <typename P>
bool argument_in_bounds(const char* kernel, std::size_t index, P value)
{
    if constexpr (std::is_pointer_v<P>)
    {
        if (value == nullptr)
            return true;
        auto operand = "argument " + std::to_string(index);
        return qrecipe_fake_cuda_in_bounds(kernel, operand.c_str(), reinterpret_cast<CUdeviceptr>(value), 1);
    }
    else
    {
        return true;
    }
}

template <typename P>
bool guard_intact(const char* kernel, P value)
{
    if constexpr (std::is_pointer_v<P> && !std::is_const_v<std::remove_pointer_t<P>>)
        return value == nullptr || qrecipe_fake_cuda_guard_intact(kernel, reinterpret_cast<CUdeviceptr>(value));
    else
        return true;
}

template <typename... Params, std::size_t... I>
CUresult run(void (*kernel)(Params...), const fake::Launch& launch, std::index_sequence<I...>)
{
    if (sizeof...(Params) > 0 && (launch.parameters == nullptr || ((launch.parameters[I] == nullptr) || ...)))
    {
        std::fprintf(stderr, "fake-cuda: %s: kernelParams is null or holds a null pointer among its first %zu entries\n", launch.kernel->name,
                     sizeof...(Params));
        fake::stats().failures++;
        return CUDA_ERROR_INVALID_VALUE;
    }
    EmuCall<Params...> call{kernel, {*static_cast<std::remove_cv_t<Params>*>(launch.parameters[I])...}};
    const char* name = launch.kernel->name;
    if (!(argument_in_bounds(name, I, std::get<I>(call.arguments)) && ...))
        return CUDA_ERROR_INVALID_VALUE;
    auto start = std::chrono::steady_clock::now();
    auto findings = emu::run(launch.grid, launch.block, launch.shared_bytes, true, emu_call<Params...>, &call);
    record(launch, std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
    bool intact = (guard_intact(name, std::get<I>(call.arguments)) & ...);
    if (findings.divergent_barriers)
    {
        std::fprintf(stderr, "fake-cuda: %s: in %llu block(s) threads exited while others waited at __syncthreads\n", name,
                     findings.divergent_barriers);
        fake::stats().failures++;
        return CUDA_ERROR_LAUNCH_FAILED;
    }
    return intact ? CUDA_SUCCESS : CUDA_ERROR_ILLEGAL_ADDRESS;
}

template <typename... Params>
constexpr std::size_t arity(void (*)(Params...))
{
    return sizeof...(Params);
}

template <auto Kernel>
CUresult launch_kernel(const fake::Launch& launch)
{
    return run(Kernel, launch, std::make_index_sequence<arity(Kernel)>());
}

#define FAKE_KERNEL(name, bound) {#name, bound, launch_kernel<&name>},
const fake::Kernel table[] = {
#include "kernel_table.inc"
};
#undef FAKE_KERNEL

// Per-kernel counters, printed by their destructor at exit when QRECIPE_FAKE_CUDA_STATS=2.
struct Usages
{
    Usage of[std::size(table)];

    ~Usages()
    {
        const char* flag = std::getenv("QRECIPE_FAKE_CUDA_STATS");
        if (!flag || std::strcmp(flag, "2") != 0)
            return;
        std::size_t order[std::size(table)];
        for (std::size_t i = 0; i < std::size(table); i++)
            order[i] = i;
        std::sort(std::begin(order), std::end(order), [this](std::size_t a, std::size_t b) { return of[a].ns > of[b].ns; });
        std::fprintf(stderr, "fake-cuda: %-26s %9s %13s %9s %13s\n", "kernel", "launches", "CUDA threads", "seconds", "max shared B");
        for (auto i : order)
            std::fprintf(stderr, "fake-cuda: %-26s %9llu %13llu %9.3f %13llu\n", table[i].name, of[i].launches.load(), of[i].threads.load(),
                         of[i].ns / 1e9, of[i].max_shared.load());
    }
} usages;

void record(const fake::Launch& launch, unsigned long long ns)
{
    auto threads = 1ull * launch.grid.x * launch.grid.y * launch.grid.z * launch.block.x * launch.block.y * launch.block.z;
    auto& stats = fake::stats();
    stats.launch_ns += ns;
    stats.launches++;
    stats.threads += threads;
    auto& usage = usages.of[launch.kernel - table];
    usage.launches++;
    usage.threads += threads;
    usage.ns += ns;
    for (auto seen = usage.max_shared.load(); launch.shared_bytes > seen && !usage.max_shared.compare_exchange_weak(seen, launch.shared_bytes);)
    {
    }
}
}

const fake::Kernel* fake::find_kernel(const char* name)
{
    for (const auto& kernel : table)
        if (std::strcmp(kernel.name, name) == 0)
            return &kernel;
    return nullptr;
}
