// Driver state the API files share: initialisation, the current context per host thread, live handles.
#pragma once
#include "fake.h"
#include <mutex>
#include <set>

namespace fake
{
struct State
{
    std::mutex mutex;
    bool initialised = false;
    int primary_references = 0;
    std::set<const void*> streams, events, modules, functions;
};

State& state();

// What the fake device reports, by default an A100: compute capability QRECIPE_FAKE_CUDA_ARCH (10 major + minor,
// default 80) and QRECIPE_FAKE_CUDA_SHARED_OPTIN bytes of opt-in shared memory per block (default 163 KiB), so that
// host paths for other GPUs run too (an RTX 4090 is 89 with 101376, an H100 90 with 232448).
struct Device
{
    int arch;
    int shared_optin;
};

const Device& device();

// CUDA_SUCCESS when cuInit ran and the calling thread has a current context; otherwise the error, reported on stderr.
CUresult ready(const char* call);

// CUDA_SUCCESS for the null stream or a live one.
CUresult valid_stream(const char* call, CUstream stream);

// Returns result after counting and reporting it on stderr when it is an error the host should never cause.
CUresult fail(const char* call, CUresult result, const char* why);
}
