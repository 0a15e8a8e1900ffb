// Device memory of the fake driver: host memory with a table of live allocations, so that copies, sets, frees and
// kernel arguments outside them are caught, plus guard bytes behind each allocation that reveal overrunning writes.
#pragma once
#include "fake.h"
#include <cstddef>

namespace fake
{
constexpr std::size_t total_memory = 16ull << 30;

CUresult allocate(CUdeviceptr* pointer, std::size_t bytes);
CUresult release(CUdeviceptr pointer);

// The live allocation holding [address, address + bytes): its start, or 0 when there is none.
CUdeviceptr holder(CUdeviceptr address, std::size_t bytes);
}
