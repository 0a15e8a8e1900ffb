// Fibers and the worker pool behind emu::run (executor.h). x86-64 System V only: the context switch saves the
// callee-saved registers, MXCSR and the x87 control word, which is all a cooperative switch between calls needs.
#include "executor.h"
#include <sys/mman.h>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

extern "C" void emu_switch(void** save_sp, void* load_sp);
asm(R"(
    .pushsection .text
    .globl emu_switch
    .hidden emu_switch
    .type emu_switch, @function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch, .-emu_switch
    .popsection
)");

namespace
{
constexpr std::size_t stack_bytes = 256 * 1024;
constexpr std::size_t guard_bytes = 4096;

struct Fiber
{
    void* sp = nullptr;
    unsigned char* stack = nullptr;
    bool done = false;
};

struct Launch
{
    dim3 grid, block;
    std::size_t shared_bytes;
    bool fill;
    emu::ThreadBody body;
    const void* context;
};

// One OS thread's state: its fiber stacks (kept for reuse), the fibers of the block it runs, its shared memory.
struct Worker
{
    std::vector<unsigned char*> free_stacks;
    std::vector<Fiber> fibers;
    std::vector<unsigned> waiting, next;
    void* scheduler_sp = nullptr;
    Fiber* current = nullptr;
    const Launch* launch = nullptr;
    unsigned char* shared = nullptr;

    Worker()
    {
        shared = static_cast<unsigned char*>(std::aligned_alloc(256, emu::dynamic_shared_capacity));
        if (!shared)
            throw std::bad_alloc();
    }

    ~Worker()
    {
        for (auto* stack : free_stacks)
            munmap(stack - guard_bytes, stack_bytes + guard_bytes);
        std::free(shared);
    }

    unsigned char* take_stack()
    {
        if (!free_stacks.empty())
        {
            auto* stack = free_stacks.back();
            free_stacks.pop_back();
            return stack;
        }
        void* memory = mmap(nullptr, stack_bytes + guard_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (memory == MAP_FAILED)
        {
            std::fprintf(stderr, "fake-cuda: cannot map a %zu-byte fiber stack\n", stack_bytes);
            std::abort();
        }
        mprotect(memory, guard_bytes, PROT_NONE);  // an overflow faults instead of corrupting the next stack
        return static_cast<unsigned char*>(memory) + guard_bytes;
    }

    // Runs one block: every thread until it finishes or reaches __syncthreads, then the waiting ones again, until none wait.
    bool run_block(unsigned threads);
    void resume(unsigned t);
};

thread_local Worker* worker = nullptr;

[[noreturn]] void fiber_main()
{
    Worker& w = *worker;
    w.launch->body(w.launch->context);
    w.current->done = true;
    emu_switch(&w.current->sp, w.scheduler_sp);
    __builtin_unreachable();
}

// A fresh fiber's stack as emu_switch leaves it: control word slot, six zeroed registers, then fiber_main as the
// return address, above which a null "caller" keeps the entry alignment of a call (rsp = 8 mod 16).
void* initial_sp(unsigned char* stack)
{
    auto* sp = reinterpret_cast<std::uint64_t*>(stack + stack_bytes);
    *--sp = 0;
    *--sp = reinterpret_cast<std::uint64_t>(&fiber_main);
    for (int r = 0; r < 6; r++)
        *--sp = 0;
    std::uint32_t csr[2] = {};
    asm volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(csr[0]), "=m"(csr[1]));
    *--sp = (std::uint64_t)csr[1] << 32 | csr[0];
    return sp;
}

void Worker::resume(unsigned t)
{
    const dim3& b = launch->block;
    threadIdx = {t % b.x, (t / b.x) % b.y, t / (b.x * b.y)};
    Fiber& f = fibers[t];
    current = &f;
    emu_switch(&scheduler_sp, f.sp);
    if (f.done)
        free_stacks.push_back(f.stack);
    else
        next.push_back(t);
}

bool Worker::run_block(unsigned threads)
{
    fibers.assign(threads, Fiber{});
    waiting.clear();
    next.clear();
    bool divergent = false;
    for (unsigned t = 0; t < threads; t++)
    {
        fibers[t].stack = take_stack();
        fibers[t].sp = initial_sp(fibers[t].stack);
        resume(t);
    }

    while (!next.empty())
    {
        // Every live thread ran until it blocked: none may have exited while others wait. (Which __syncthreads each
        // waits at is not compared: the compiler duplicates calls into both arms of an if, so sites differ legally.)
        divergent |= next.size() != threads;
        threads = static_cast<unsigned>(next.size());
        std::swap(waiting, next);
        next.clear();
        for (unsigned t : waiting)
            resume(t);
    }

    return divergent;
}

// Blocks of the current launch are handed out through one counter; the launching thread works as worker 0.
class Pool
{
public:
    Pool()
    {
        const char* text = std::getenv("QRECIPE_FAKE_CUDA_THREADS");
        unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
        unsigned count = text ? static_cast<unsigned>(std::strtoul(text, nullptr, 10)) : std::min(2u, hardware);
        for (unsigned i = 1; i < std::max(1u, count); i++)
            helpers.emplace_back([this] { serve(); });
    }

    ~Pool()
    {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        wake.notify_all();
        for (auto& helper : helpers)
            helper.join();
    }

    emu::Findings run(const Launch& launch)
    {
        std::lock_guard serial(launching);
        total = static_cast<unsigned long long>(launch.grid.x) * launch.grid.y * launch.grid.z;
        next_block = 0;
        divergent = 0;
        bool parallel = total > 1 && !helpers.empty();
        if (parallel)
        {
            std::lock_guard lock(mutex);
            current = &launch;
            busy = static_cast<unsigned>(helpers.size());
            generation++;
        }
        if (parallel)
            wake.notify_all();
        work(launch);
        if (parallel)
        {
            std::unique_lock lock(mutex);
            finished.wait(lock, [this] { return busy == 0; });
        }
        return {divergent.load()};
    }

private:
    void serve()
    {
        unsigned long long seen = 0;
        for (;;)
        {
            const Launch* launch;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return stopping || generation != seen; });
                if (stopping)
                    return;
                seen = generation;
                launch = current;
            }
            work(*launch);
            std::lock_guard lock(mutex);
            if (--busy == 0)
                finished.notify_one();
        }
    }

    void work(const Launch& launch)
    {
        thread_local Worker self;
        worker = &self;
        self.launch = &launch;
        emu_dynamic_shared = self.shared;
        gridDim = launch.grid;
        blockDim = launch.block;
        unsigned threads = launch.block.x * launch.block.y * launch.block.z;
        for (unsigned long long b; (b = next_block.fetch_add(1)) < total;)
        {
            blockIdx = {static_cast<unsigned>(b % launch.grid.x), static_cast<unsigned>(b / launch.grid.x % launch.grid.y),
                        static_cast<unsigned>(b / (static_cast<unsigned long long>(launch.grid.x) * launch.grid.y))};
            if (launch.fill)
                std::memset(self.shared, 0xFF, launch.shared_bytes);
            if (self.run_block(threads))
                divergent.fetch_add(1);
        }
    }

    std::vector<std::thread> helpers;
    std::mutex launching, mutex;
    std::condition_variable wake, finished;
    const Launch* current = nullptr;
    unsigned long long generation = 0, total = 0;
    unsigned busy = 0;
    bool stopping = false;
    std::atomic<unsigned long long> next_block{0}, divergent{0};
};
}

emu::Findings emu::run(dim3 grid, dim3 block, std::size_t shared_bytes, bool fill, ThreadBody body, const void* context)
{
    static Pool pool;
    return pool.run(Launch{grid, block, std::min(shared_bytes, dynamic_shared_capacity), fill, body, context});
}

void emu::barrier()
{
    Worker& w = *worker;
    emu_switch(&w.current->sp, w.scheduler_sp);
}
