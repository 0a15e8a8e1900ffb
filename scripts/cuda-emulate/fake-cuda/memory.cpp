// Allocation table, bounds checks and guard bytes (memory.h).
#include "memory.h"
#include "stats.h"
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace
{
// cuMemAlloc aligns to 256 bytes; the guard fills the rest of the last 256-byte line and one more line.
constexpr std::size_t alignment = 256;
constexpr unsigned char guard_byte = 0xA5;

std::mutex mutex;
std::map<CUdeviceptr, std::size_t> live;  // start -> requested bytes
std::size_t reserved = 0;

std::size_t padded(std::size_t bytes) { return (bytes + 2 * alignment - 1) / alignment * alignment; }

// The allocation holding address, or live.end(). Caller holds the mutex.
std::map<CUdeviceptr, std::size_t>::iterator find(CUdeviceptr address)
{
    auto it = live.upper_bound(address);
    if (it == live.begin())
        return live.end();
    --it;
    return address < it->first + std::max<std::size_t>(it->second, 1) ? it : live.end();
}

bool intact(CUdeviceptr start, std::size_t bytes)
{
    auto* guard = reinterpret_cast<const unsigned char*>(start + bytes);
    return std::all_of(guard, guard + (padded(bytes) - bytes), [](unsigned char b) { return b == guard_byte; });
}
}

CUresult fake::allocate(CUdeviceptr* pointer, std::size_t bytes)
{
    if (!pointer || bytes == 0)
        return CUDA_ERROR_INVALID_VALUE;
    std::lock_guard lock(mutex);
    if (reserved + bytes > total_memory)
        return CUDA_ERROR_OUT_OF_MEMORY;
    auto* memory = static_cast<unsigned char*>(std::aligned_alloc(alignment, padded(bytes)));
    if (!memory)
        return CUDA_ERROR_OUT_OF_MEMORY;
    // Device memory starts as garbage: 0xFF bytes are NaN floats and -1 integers, so reads before writes show.
    std::memset(memory, 0xFF, bytes);
    std::memset(memory + bytes, guard_byte, padded(bytes) - bytes);
    *pointer = reinterpret_cast<CUdeviceptr>(memory);
    live[*pointer] = bytes;
    reserved += bytes;
    auto& s = stats();
    s.allocations++;
    auto now = s.live_bytes += bytes;
    for (auto peak = s.peak_bytes.load(); now > peak && !s.peak_bytes.compare_exchange_weak(peak, now);)
    {
    }
    return CUDA_SUCCESS;
}

CUresult fake::release(CUdeviceptr pointer)
{
    std::lock_guard lock(mutex);
    auto it = live.find(pointer);
    if (it == live.end())
    {
        std::fprintf(stderr, "fake-cuda: cuMemFree(0x%llx): not the start of a live allocation\n", pointer);
        stats().failures++;
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (!intact(it->first, it->second))
        std::fprintf(stderr, "fake-cuda: cuMemFree(0x%llx): the %zu-byte allocation was written past its end\n", pointer, it->second);
    reserved -= it->second;
    stats().live_bytes -= it->second;
    stats().frees++;
    std::free(reinterpret_cast<void*>(it->first));
    live.erase(it);
    return CUDA_SUCCESS;
}

CUdeviceptr fake::holder(CUdeviceptr address, std::size_t bytes)
{
    std::lock_guard lock(mutex);
    auto it = find(address);
    return it != live.end() && address + bytes <= it->first + it->second ? it->first : 0;
}

FAKE_EXPORT bool qrecipe_fake_cuda_in_bounds(const char* call, const char* operand, CUdeviceptr address, std::size_t bytes)
{
    if (fake::holder(address, bytes) != 0)
        return true;
    std::lock_guard lock(mutex);
    auto it = find(address);
    if (it == live.end())
        std::fprintf(stderr, "fake-cuda: %s: %s 0x%llx (%zu bytes) is not inside any live allocation\n", call, operand, address, bytes);
    else
        std::fprintf(stderr, "fake-cuda: %s: %s 0x%llx + %zu bytes overruns its %zu-byte allocation at 0x%llx by %llu bytes\n", call,
                     operand, address, bytes, it->second, it->first, address + bytes - (it->first + it->second));
    fake::stats().failures++;
    return false;
}

FAKE_EXPORT bool qrecipe_fake_cuda_guard_intact(const char* call, CUdeviceptr address)
{
    std::lock_guard lock(mutex);
    auto it = find(address);
    if (it == live.end() || intact(it->first, it->second))
        return true;
    std::fprintf(stderr, "fake-cuda: %s wrote past the end of the %zu-byte allocation at 0x%llx\n", call, it->second, it->first);
    // Restore the guard so the next overrun is reported by whoever commits it.
    std::memset(reinterpret_cast<unsigned char*>(it->first + it->second), guard_byte, padded(it->second) - it->second);
    fake::stats().failures++;
    return false;
}
