// CPU emulation of the CUDA execution model, enough to run Kernels/*.cu without a GPU (scripts/cuda-emulate/README).
// Blocks run one after another; the threads of a block are real std::threads meeting at a std::barrier for
// __syncthreads, so shared-memory staging, reductions and tiling run exactly as written. Slow; correctness only.
#pragma once
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

struct dim3 { unsigned x = 1, y = 1, z = 1; };
struct uint4 { unsigned x, y, z, w; };
struct float4 { float x, y, z, w; };
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }

inline thread_local dim3 threadIdx;
inline dim3 blockIdx, blockDim, gridDim;
inline std::barrier<>* emu_barrier = nullptr;
alignas(16) inline unsigned char emu_dynamic_shared[256 * 1024];

#define __global__
#define __device__
#define __launch_bounds__(x)
#define __shared__ static
inline void __syncthreads() { emu_barrier->arrive_and_wait(); }
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

// Runs kernel(args...) over grid x block: one pool of block-size threads per launch, reused for every block.
template <typename... Params, typename... Args>
void emu_launch(void (*kernel)(Params...), dim3 grid, dim3 block, Args... args)
{
    gridDim = grid;
    blockDim = block;
    unsigned threads = block.x * block.y * block.z;
    std::barrier<> sync(threads);       // __syncthreads
    std::barrier<> phase(threads + 1);  // block start and end, with the launching thread
    emu_barrier = &sync;
    bool done = false;
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; t++)
        pool.emplace_back([&, t] {
            threadIdx = {t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
            for (;;)
            {
                phase.arrive_and_wait();
                if (done)
                    return;
                kernel(static_cast<Params>(args)...);
                phase.arrive_and_wait();
            }
        });
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++)
            {
                blockIdx = {bx, by, bz};
                phase.arrive_and_wait();
                phase.arrive_and_wait();
            }
    done = true;
    phase.arrive_and_wait();
    for (auto& thread : pool)
        thread.join();
}
