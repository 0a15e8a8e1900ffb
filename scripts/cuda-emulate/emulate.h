// CPU emulation of the CUDA execution model, enough to run Kernels/*.cu without a GPU (scripts/cuda-emulate/README).
// The grid runs on executor.h's fibers: the threads of a block switch at __syncthreads, so shared-memory staging,
// reductions and tiling run exactly as written. __shared__ variables are per worker thread, which runs one block at a
// time. Used by run.cpp and by the fake libcuda (fake-cuda/).
#pragma once
#include "executor.h"
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <tuple>
#include <vector>

struct uint4 { unsigned x, y, z, w; };
struct float4 { float x, y, z, w; };
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }

#define __global__
#define __device__
#define __launch_bounds__(x)
#define __shared__ static thread_local
inline void __syncthreads() { emu::barrier(); }
inline int __popc(unsigned v) { return __builtin_popcount(v); }
inline float __int_as_float(int v) { float f; std::memcpy(&f, &v, 4); return f; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline float __fsqrt_rn(float a) { return std::sqrt(a); }
inline unsigned __float_as_uint(float f) { unsigned v; std::memcpy(&v, &f, 4); return v; }
inline float __uint_as_float(unsigned v) { float f; std::memcpy(&f, &v, 4); return f; }
using std::min;
using std::max;
using std::isfinite;

// A kernel and its typed arguments; emu_call is the body of every CUDA thread of the launch.
template <typename... Params>
struct EmuCall
{
    void (*kernel)(Params...);
    std::tuple<Params...> arguments;
};

template <typename... Params>
void emu_call(const void* call)
{
    const auto& c = *static_cast<const EmuCall<Params...>*>(call);
    std::apply(c.kernel, c.arguments);
}

// Runs kernel(args...) over grid x block (run.cpp's launches; dynamic shared memory is the worker's whole buffer).
// A divergent barrier, which a GPU would not survive, is reported on stderr.
template <typename... Params, typename... Args>
void emu_launch(void (*kernel)(Params...), dim3 grid, dim3 block, Args... args)
{
    EmuCall<Params...> call{kernel, {static_cast<Params>(args)...}};
    auto findings = emu::run(grid, block, 0, false, emu_call<Params...>, &call);
    if (findings.divergent_barriers)
        std::fprintf(stderr, "emulate: in %llu block(s) of a %ux%ux%u launch threads exited while others waited at __syncthreads\n",
                     findings.divergent_barriers, grid.x, grid.y, grid.z);
}
