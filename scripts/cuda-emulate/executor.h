// Runs a CUDA grid on the CPU (scripts/cuda-emulate/README.md). The threads of a block run on fibers of one OS thread
// that switch only at __syncthreads, so a block needs no locks and its __shared__ storage can be thread_local; blocks
// are spread over a small pool of worker threads (QRECIPE_FAKE_CUDA_THREADS, default 2), each running whole blocks.
#pragma once
#include <cstddef>
#include <cstdint>

struct dim3 { unsigned x = 1, y = 1, z = 1; };

namespace emu
{
constexpr std::size_t dynamic_shared_capacity = 256 * 1024;
// Fiber stacks are this size and aligned to it, so a fiber finds its header by masking its stack pointer: the
// built-in variables need no thread_local lookup (a call in a dlopen'ed library) on every use.
constexpr std::size_t stack_bytes = 128 * 1024;

// The top of every fiber stack: what the CUDA built-in variables read.
struct FiberHeader
{
    dim3 thread, block, block_dim, grid_dim;
    unsigned char* shared;
    void* fiber;
    void* worker;
};

inline FiberHeader& here()
{
    std::uintptr_t sp;
    asm("movq %%rsp, %0" : "=r"(sp));
    return *reinterpret_cast<FiberHeader*>((sp & ~(stack_bytes - 1)) + stack_bytes - sizeof(FiberHeader));
}

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

// Valid only inside a kernel, which always runs on a fiber.
#define threadIdx (emu::here().thread)
#define blockIdx (emu::here().block)
#define blockDim (emu::here().block_dim)
#define gridDim (emu::here().grid_dim)
// The block's dynamic shared memory (dynamic_shared_capacity bytes per worker, more than any GPU allows).
#define emu_dynamic_shared (emu::here().shared)
