// The table of kernels compiled into the fake driver (kernels.cpp) and how one is launched.
#pragma once
#include "fake.h"
#include "executor.h"
#include <cstddef>

namespace fake
{
struct Kernel;

struct Launch
{
    const Kernel* kernel;
    dim3 grid, block;
    std::size_t shared_bytes;
    void** parameters;
};

struct Kernel
{
    const char* name;
    unsigned max_threads;  // __launch_bounds__, else 1024
    CUresult (*launch)(const Launch&);
};

// The kernel called name, or nullptr.
const Kernel* find_kernel(const char* name);
}
