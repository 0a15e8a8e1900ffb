// Initialisation, the device and its attributes, the primary context, error names (libcuda.so.1, README.md).
#include "state.h"
#include "stats.h"
#include "memory.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace
{
thread_local CUcontext current = nullptr;
// The primary context is this one object; its address is the CUcontext handle.
struct FakeContextStorage
{
    int device = 0;
} primary;

CUcontext primary_handle() { return reinterpret_cast<CUcontext>(&primary); }

// The documented CUdevice_attribute numbers (cuda.h) of an A100-like device; anything else is CUDA_ERROR_INVALID_VALUE.
bool attribute(int which, int* value)
{
    switch (which)
    {
        case 1: *value = 1024; return true;             // MAX_THREADS_PER_BLOCK
        case 2: *value = 1024; return true;             // MAX_BLOCK_DIM_X
        case 3: *value = 1024; return true;             // MAX_BLOCK_DIM_Y
        case 4: *value = 64; return true;               // MAX_BLOCK_DIM_Z
        case 5: *value = 2147483647; return true;       // MAX_GRID_DIM_X
        case 6: *value = 65535; return true;            // MAX_GRID_DIM_Y
        case 7: *value = 65535; return true;            // MAX_GRID_DIM_Z
        case 8: *value = 48 * 1024; return true;        // MAX_SHARED_MEMORY_PER_BLOCK
        case 9: *value = 64 * 1024; return true;        // TOTAL_CONSTANT_MEMORY
        case 10: *value = 32; return true;              // WARP_SIZE
        case 12: *value = 65536; return true;           // MAX_REGISTERS_PER_BLOCK
        case 13: *value = 1410000; return true;         // CLOCK_RATE (kHz)
        case 16: *value = 108; return true;             // MULTIPROCESSOR_COUNT
        case 36: *value = 1215000; return true;         // MEMORY_CLOCK_RATE (kHz)
        case 37: *value = 5120; return true;            // GLOBAL_MEMORY_BUS_WIDTH
        case 38: *value = 40 * 1024 * 1024; return true;  // L2_CACHE_SIZE
        case 39: *value = 2048; return true;            // MAX_THREADS_PER_MULTIPROCESSOR
        case 41: *value = 1; return true;               // UNIFIED_ADDRESSING
        case 75: *value = fake::device().arch / 10; return true;  // COMPUTE_CAPABILITY_MAJOR
        case 76: *value = fake::device().arch % 10; return true;  // COMPUTE_CAPABILITY_MINOR
        case 81: *value = 164 * 1024; return true;      // MAX_SHARED_MEMORY_PER_MULTIPROCESSOR
        case 82: *value = 65536; return true;           // MAX_REGISTERS_PER_MULTIPROCESSOR
        case 97: *value = fake::device().shared_optin; return true;  // MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
        case 106: *value = 32; return true;             // MAX_BLOCKS_PER_MULTIPROCESSOR
        default: return false;
    }
}

CUresult check_device(const char* call, CUdevice device)
{
    if (!fake::state().initialised)
        return fake::fail(call, CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    return device == 0 ? CUDA_SUCCESS : fake::fail(call, CUDA_ERROR_INVALID_DEVICE, "the only device is 0");
}
}

const fake::Device& fake::device()
{
    static const Device d = [] {
        auto setting = [](const char* name, int fallback) {
            const char* text = std::getenv(name);
            return text ? std::atoi(text) : fallback;
        };
        return Device{setting("QRECIPE_FAKE_CUDA_ARCH", 80), setting("QRECIPE_FAKE_CUDA_SHARED_OPTIN", 163 * 1024)};
    }();
    return d;
}

fake::State& fake::state()
{
    static State s;
    return s;
}

CUresult fake::fail(const char* call, CUresult result, const char* why)
{
    std::fprintf(stderr, "fake-cuda: %s: %s\n", call, why);
    stats().failures++;
    return result;
}

CUresult fake::ready(const char* call)
{
    if (!state().initialised)
        return fail(call, CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    if (current == nullptr)
        return fail(call, CUDA_ERROR_INVALID_CONTEXT, "no context is current on this thread (cuCtxSetCurrent)");
    return CUDA_SUCCESS;
}

CUresult fake::valid_stream(const char* call, CUstream stream)
{
    std::lock_guard lock(state().mutex);
    return stream == nullptr || state().streams.count(stream) ? CUDA_SUCCESS : fail(call, CUDA_ERROR_INVALID_HANDLE, "not a live stream");
}

FAKE_EXPORT CUresult cuInit(unsigned int flags)
{
    if (flags != 0)
        return fake::fail("cuInit", CUDA_ERROR_INVALID_VALUE, "flags must be 0");
    fake::state().initialised = true;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDriverGetVersion(int* version)
{
    if (!version)
        return CUDA_ERROR_INVALID_VALUE;
    *version = 12040;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDeviceGetCount(int* count)
{
    if (!fake::state().initialised)
        return fake::fail("cuDeviceGetCount", CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    if (!count)
        return CUDA_ERROR_INVALID_VALUE;
    *count = 1;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDeviceGet(CUdevice* device, int ordinal)
{
    if (!device)
        return CUDA_ERROR_INVALID_VALUE;
    if (auto r = check_device("cuDeviceGet", ordinal))
        return r;
    *device = 0;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDeviceGetName(char* name, int length, CUdevice device)
{
    if (auto r = check_device("cuDeviceGetName", device))
        return r;
    if (!name || length <= 0)
        return fake::fail("cuDeviceGetName", CUDA_ERROR_INVALID_VALUE, "no buffer");
    std::snprintf(name, static_cast<std::size_t>(length), "%s", "QRecipe CPU emulation (fake CUDA)");
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDeviceGetAttribute(int* value, int which, CUdevice device)
{
    if (auto r = check_device("cuDeviceGetAttribute", device))
        return r;
    if (!value || !attribute(which, value))
    {
        std::fprintf(stderr, "fake-cuda: cuDeviceGetAttribute: attribute %d is not emulated\n", which);
        fake::stats().failures++;
        return CUDA_ERROR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDeviceTotalMem_v2(std::size_t* bytes, CUdevice device)
{
    if (auto r = check_device("cuDeviceTotalMem_v2", device))
        return r;
    if (!bytes)
        return CUDA_ERROR_INVALID_VALUE;
    *bytes = fake::total_memory;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice device)
{
    if (auto r = check_device("cuDevicePrimaryCtxRetain", device))
        return r;
    if (!context)
        return CUDA_ERROR_INVALID_VALUE;
    std::lock_guard lock(fake::state().mutex);
    fake::state().primary_references++;
    *context = primary_handle();
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device)
{
    if (auto r = check_device("cuDevicePrimaryCtxRelease_v2", device))
        return r;
    std::lock_guard lock(fake::state().mutex);
    if (fake::state().primary_references == 0)
        return fake::fail("cuDevicePrimaryCtxRelease_v2", CUDA_ERROR_INVALID_CONTEXT, "the primary context is not retained");
    fake::state().primary_references--;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuCtxSetCurrent(CUcontext context)
{
    if (!fake::state().initialised)
        return fake::fail("cuCtxSetCurrent", CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    if (context != nullptr && context != primary_handle())
        return fake::fail("cuCtxSetCurrent", CUDA_ERROR_INVALID_CONTEXT, "not a context handle");
    if (context != nullptr && fake::state().primary_references == 0)
        return fake::fail("cuCtxSetCurrent", CUDA_ERROR_INVALID_CONTEXT, "the primary context was released");
    current = context;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuGetErrorName(CUresult error, const char** name)
{
    if (!name)
        return CUDA_ERROR_INVALID_VALUE;
    switch (error)
    {
        case CUDA_SUCCESS: *name = "CUDA_SUCCESS"; break;
        case CUDA_ERROR_INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; break;
        case CUDA_ERROR_OUT_OF_MEMORY: *name = "CUDA_ERROR_OUT_OF_MEMORY"; break;
        case CUDA_ERROR_NOT_INITIALIZED: *name = "CUDA_ERROR_NOT_INITIALIZED"; break;
        case CUDA_ERROR_NO_DEVICE: *name = "CUDA_ERROR_NO_DEVICE"; break;
        case CUDA_ERROR_INVALID_DEVICE: *name = "CUDA_ERROR_INVALID_DEVICE"; break;
        case CUDA_ERROR_INVALID_IMAGE: *name = "CUDA_ERROR_INVALID_IMAGE"; break;
        case CUDA_ERROR_INVALID_CONTEXT: *name = "CUDA_ERROR_INVALID_CONTEXT"; break;
        case CUDA_ERROR_INVALID_HANDLE: *name = "CUDA_ERROR_INVALID_HANDLE"; break;
        case CUDA_ERROR_NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; break;
        case CUDA_ERROR_ILLEGAL_ADDRESS: *name = "CUDA_ERROR_ILLEGAL_ADDRESS"; break;
        case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES: *name = "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"; break;
        case CUDA_ERROR_LAUNCH_FAILED: *name = "CUDA_ERROR_LAUNCH_FAILED"; break;
        default: *name = nullptr; return CUDA_ERROR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
}
