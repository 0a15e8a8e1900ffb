// cuMemAlloc/cuMemFree and the copies and sets (libcuda.so.1). Streams are synchronous: every call completes at once.
#include "memory.h"
#include "state.h"
#include "stats.h"
#include <cstdint>
#include <cstring>

namespace
{
// The checks every copy or set makes: a context, a valid stream, the destination (and device source) inside one allocation.
CUresult check(const char* call, CUstream stream, CUdeviceptr destination, CUdeviceptr device_source, std::size_t bytes)
{
    if (auto r = fake::ready(call))
        return r;
    if (auto r = fake::valid_stream(call, stream))
        return r;
    if (destination && !qrecipe_fake_cuda_in_bounds(call, "destination", destination, bytes))
        return CUDA_ERROR_INVALID_VALUE;
    if (device_source && !qrecipe_fake_cuda_in_bounds(call, "source", device_source, bytes))
        return CUDA_ERROR_INVALID_VALUE;
    fake::stats().copies++;
    return CUDA_SUCCESS;
}
}

FAKE_EXPORT CUresult cuMemAlloc_v2(CUdeviceptr* pointer, std::size_t bytes)
{
    if (auto r = fake::ready("cuMemAlloc_v2"))
        return r;
    auto result = fake::allocate(pointer, bytes);
    return result == CUDA_ERROR_INVALID_VALUE ? fake::fail("cuMemAlloc_v2", result, "no result pointer, or 0 bytes") : result;
}

FAKE_EXPORT CUresult cuMemFree_v2(CUdeviceptr pointer)
{
    return fake::release(pointer);
}

FAKE_EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr destination, const void* source, std::size_t bytes, CUstream stream)
{
    if (!destination || (!source && bytes))
        return fake::fail("cuMemcpyHtoDAsync_v2", CUDA_ERROR_INVALID_VALUE, "null pointer");
    if (auto r = check("cuMemcpyHtoDAsync_v2", stream, destination, 0, bytes))
        return r;
    std::memcpy(reinterpret_cast<void*>(destination), source, bytes);
    fake::stats().to_device += bytes;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuMemcpyDtoHAsync_v2(void* destination, CUdeviceptr source, std::size_t bytes, CUstream stream)
{
    if (!source || (!destination && bytes))
        return fake::fail("cuMemcpyDtoHAsync_v2", CUDA_ERROR_INVALID_VALUE, "null pointer");
    if (auto r = check("cuMemcpyDtoHAsync_v2", stream, 0, source, bytes))
        return r;
    std::memcpy(destination, reinterpret_cast<const void*>(source), bytes);
    fake::stats().to_host += bytes;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr destination, CUdeviceptr source, std::size_t bytes, CUstream stream)
{
    if (!destination || !source)
        return fake::fail("cuMemcpyDtoDAsync_v2", CUDA_ERROR_INVALID_VALUE, "null pointer");
    if (auto r = check("cuMemcpyDtoDAsync_v2", stream, destination, source, bytes))
        return r;
    std::memmove(reinterpret_cast<void*>(destination), reinterpret_cast<const void*>(source), bytes);
    fake::stats().on_device += bytes;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuMemsetD8Async(CUdeviceptr destination, unsigned char value, std::size_t count, CUstream stream)
{
    if (!destination)
        return fake::fail("cuMemsetD8Async", CUDA_ERROR_INVALID_VALUE, "null pointer");
    if (auto r = check("cuMemsetD8Async", stream, destination, 0, count))
        return r;
    std::memset(reinterpret_cast<void*>(destination), value, count);
    fake::stats().set += count;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuMemsetD32Async(CUdeviceptr destination, unsigned int value, std::size_t count, CUstream stream)
{
    if (!destination || destination % 4 != 0)
        return fake::fail("cuMemsetD32Async", CUDA_ERROR_INVALID_VALUE, "null or not 4-byte aligned");
    if (auto r = check("cuMemsetD32Async", stream, destination, 0, count * 4))
        return r;
    auto* words = reinterpret_cast<std::uint32_t*>(destination);
    for (std::size_t i = 0; i < count; i++)
        words[i] = value;
    fake::stats().set += count * 4;
    return CUDA_SUCCESS;
}
