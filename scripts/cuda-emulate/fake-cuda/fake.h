// Declarations shared by the fake libcuda.so.1 and libcublas.so.12 (README.md): the CUDA driver's types and result
// codes as documented in cuda.h, and the fake driver's own exports that the fake cuBLAS uses to check its operands.
#pragma once
#include <cstddef>

#define FAKE_EXPORT extern "C" __attribute__((visibility("default")))

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct FakeContext*;
using CUstream = struct FakeStream*;
using CUmodule = struct FakeModule*;
using CUfunction = struct FakeFunction*;
using CUevent = struct FakeEvent*;

enum : CUresult
{
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_LAUNCH_FAILED = 719,
};

// True when [address, address + bytes) lies inside one live cuMemAlloc allocation; otherwise prints a line naming
// `call`, the operand, the address and the size to stderr and returns false.
FAKE_EXPORT bool qrecipe_fake_cuda_in_bounds(const char* call, const char* operand, CUdeviceptr address, std::size_t bytes);

// After a write through `address` (a kernel's pointer argument, a GEMM's C): true when the guard bytes behind the
// allocation holding it are intact; otherwise prints which allocation was overrun and by whom.
FAKE_EXPORT bool qrecipe_fake_cuda_guard_intact(const char* call, CUdeviceptr address);
