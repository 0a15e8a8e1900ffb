// Fibers and the worker pool behind emu::run (executor.h). x86-64 System V only: the context switch saves the
// callee-saved registers, which is all a cooperative switch between calls needs while every fiber keeps the worker's
// floating-point environment (kernels never change MXCSR or the x87 control word).
//
// A block starts with one fiber that runs its threads one after another. A thread that reaches __syncthreads keeps
// that fiber, and a new fiber takes the next thread; so a kernel without barriers runs a whole block on one fiber.
// The block's fibers form a ring: at a barrier each switches straight to the next one, and when the last has arrived
// the barrier opens and the first one continues. Fibers whose threads are all done leave the ring.
#include "executor.h"
#include <sys/mman.h>
#include <algorithm>
#include <atomic>
#include <condition_variable>
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
    movq %rsp, (%rdi)
    movq %rsi, %rsp
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
constexpr std::size_t guard_bytes = 4096;

struct Fiber
{
    void* sp = nullptr;
    unsigned char* stack = nullptr;  // aligned to stack_bytes
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

[[noreturn]] void fiber_main();

// One OS thread's state: its fiber stacks (kept for reuse), the ring of the block it runs, its shared memory.
class Worker
{
public:
    Worker()
    {
        shared = static_cast<unsigned char*>(std::aligned_alloc(256, emu::dynamic_shared_capacity));
        if (!shared)
            throw std::bad_alloc();
    }

    ~Worker()
    {
        for (auto* stack : free_stacks)
            munmap(stack, emu::stack_bytes);
        for (auto* fiber : free_fibers)
            delete fiber;
        std::free(shared);
    }

    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Runs block `index` of the launch; true when threads exited while others waited at a barrier.
    bool run_block(const Launch& launch, dim3 index)
    {
        this->launch = &launch;
        block = index;
        threads = launch.block.x * launch.block.y * launch.block.z;
        next_thread = 0;
        arrived = exited = 0;
        position = 0;
        divergent = false;
        if (launch.fill)
            std::memset(shared, 0xFF, launch.shared_bytes);
        ring.clear();
        spawn();
        emu_switch(&scheduler_sp, ring[0]->sp);
        return divergent;
    }

    // The body of a fiber: threads until none are left unstarted, then leave the ring.
    [[noreturn]] void serve(emu::FiberHeader& header)
    {
        const dim3& b = launch->block;
        while (next_thread < threads)
        {
            unsigned t = next_thread++;
            header.thread = {t % b.x, (t / b.x) % b.y, t / (b.x * b.y)};
            launch->body(launch->context);
            exited++;
        }
        auto* fiber = static_cast<Fiber*>(header.fiber);
        fiber->done = true;
        advance(fiber);
        __builtin_unreachable();
    }

    void barrier(Fiber* fiber)
    {
        arrived++;
        if (next_thread < threads)
            spawn();  // the next unstarted thread gets a fiber, which is next in the ring
        advance(fiber);
    }

private:
    // Leaves `from` (at a barrier or done) for the next fiber in the ring; at the end of the ring the barrier opens.
    void advance(Fiber* from)
    {
        if (++position == ring.size())
        {
            divergent |= arrived > 0 && exited > 0;
            position = 0;
            if (exited > 0)  // only then can a fiber have finished
            {
                auto live = std::remove_if(ring.begin(), ring.end(), [this](Fiber* f) {
                    if (f->done)
                        retire(f);
                    return f->done;
                });
                ring.erase(live, ring.end());
            }
            arrived = exited = 0;
            if (ring.empty())
            {
                emu_switch(&from->sp, scheduler_sp);
                __builtin_unreachable();
            }
        }
        if (ring[position] != from)
            emu_switch(&from->sp, ring[position]->sp);
    }

    // A fiber at the end of the ring with a fresh stack: header, then six zeroed registers and fiber_main as the
    // return address for emu_switch, above a null "caller" that keeps a call's entry alignment (rsp = 8 mod 16). The
    // frames start lower by 64 bytes per fiber (up to 4 KiB) so the fibers' hot frames do not share cache sets.
    void spawn()
    {
        Fiber* fiber = free_fibers.empty() ? new Fiber() : free_fibers.back();
        if (!free_fibers.empty())
            free_fibers.pop_back();
        fiber->stack = take_stack();
        fiber->done = false;
        auto* top = fiber->stack + emu::stack_bytes;
        auto* header = new (top - sizeof(emu::FiberHeader)) emu::FiberHeader{
            {}, block, launch->block, launch->grid, shared, fiber, this};
        auto* sp = reinterpret_cast<std::uint64_t*>(reinterpret_cast<std::uintptr_t>(header) & ~std::uintptr_t{15});
        sp -= 8 * (ring.size() % 64);
        *--sp = 0;
        *--sp = reinterpret_cast<std::uint64_t>(&fiber_main);
        for (int r = 0; r < 6; r++)
            *--sp = 0;
        fiber->sp = sp;
        ring.push_back(fiber);
    }

    // Called only for a fiber that will never run again; its stack is reused by a later spawn, after the switch away.
    void retire(Fiber* fiber)
    {
        free_stacks.push_back(fiber->stack);
        free_fibers.push_back(fiber);
    }

    unsigned char* take_stack()
    {
        if (!free_stacks.empty())
        {
            auto* stack = free_stacks.back();
            free_stacks.pop_back();
            return stack;
        }
        // Twice the size, trimmed to an aligned stack; its lowest page is a guard, so an overflow faults.
        auto bytes = 2 * emu::stack_bytes;
        void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (memory == MAP_FAILED)
        {
            std::fprintf(stderr, "emulate: cannot map a %zu-byte fiber stack\n", emu::stack_bytes);
            std::abort();
        }
        auto start = reinterpret_cast<std::uintptr_t>(memory);
        auto aligned = (start + emu::stack_bytes - 1) & ~(emu::stack_bytes - 1);
        if (aligned > start)
            munmap(memory, aligned - start);
        if (aligned + emu::stack_bytes < start + bytes)
            munmap(reinterpret_cast<void*>(aligned + emu::stack_bytes), start + bytes - aligned - emu::stack_bytes);
        mprotect(reinterpret_cast<void*>(aligned), guard_bytes, PROT_NONE);
        return reinterpret_cast<unsigned char*>(aligned);
    }

    std::vector<unsigned char*> free_stacks;
    std::vector<Fiber*> free_fibers, ring;
    void* scheduler_sp = nullptr;
    const Launch* launch = nullptr;
    unsigned char* shared = nullptr;
    dim3 block;
    unsigned threads = 0, next_thread = 0, arrived = 0, exited = 0;
    std::size_t position = 0;
    bool divergent = false;
};

void fiber_main()
{
    auto& header = emu::here();
    static_cast<Worker*>(header.worker)->serve(header);
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
        const dim3& g = launch.grid;
        for (unsigned long long b; (b = next_block.fetch_add(1)) < total;)
        {
            dim3 index{static_cast<unsigned>(b % g.x), static_cast<unsigned>(b / g.x % g.y),
                       static_cast<unsigned>(b / (static_cast<unsigned long long>(g.x) * g.y))};
            if (self.run_block(launch, index))
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
    auto& header = here();
    static_cast<Worker*>(header.worker)->barrier(static_cast<Fiber*>(header.fiber));
}
