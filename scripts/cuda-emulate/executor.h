// Runs a CUDA grid on the CPU (scripts/cuda-emulate/README.md). The threads of a block are fibers on one OS thread
// that switch only at __syncthreads, so a block needs no locks and its __shared__ storage can be thread_local; blocks
// are spread over a small pool of worker threads (QRECIPE_FAKE_CUDA_THREADS, default 2), each running whole blocks.
#pragma once
#include <cstddef>

struct dim3 { unsigned x = 1, y = 1, z = 1; };

// Per worker thread. (Not initial-exec: that would put all the library's thread_local __shared__ arrays into the
// static TLS block, which a dlopen'ed library may not enlarge.)
inline thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;
// The block's dynamic shared memory (256 KiB per worker, more than any GPU allows).
inline thread_local unsigned char* emu_dynamic_shared;

namespace emu
{
constexpr std::size_t dynamic_shared_capacity = 256 * 1024;

// The body of one CUDA thread: calls the kernel with the launch's arguments.
using ThreadBody = void (*)(const void* context);

// What a launch did that a GPU would not tolerate.
struct Findings
{
    // Blocks where some threads exited while others waited at __syncthreads.
    unsigned long long divergent_barriers = 0;
};

// Runs body for every thread of grid x block and returns when all are done. When fill is set, each block's first
// shared_bytes of dynamic shared memory start as 0xFF bytes (NaN floats), as uninitialised memory would.
Findings run(dim3 grid, dim3 block, std::size_t shared_bytes, bool fill, ThreadBody body, const void* context);

// __syncthreads: suspends the calling CUDA thread until every thread of its block has arrived.
void barrier();
}
