// Streams and events (libcuda.so.1). All work completes inside the call that queues it, so a stream is only a live
// handle and an event records the steady-clock time of cuEventRecord.
#include "state.h"
#include "stats.h"
#include <chrono>

struct FakeStream
{
    unsigned flags;
};

struct FakeEvent
{
    bool recorded = false;
    std::chrono::steady_clock::time_point time;
};

namespace
{
// True when handle is live in the given set of fake::state().
bool live(std::set<const void*>& handles, const void* handle)
{
    std::lock_guard lock(fake::state().mutex);
    return handle && handles.count(handle);
}

bool forget(std::set<const void*>& handles, const void* handle)
{
    std::lock_guard lock(fake::state().mutex);
    return handle && handles.erase(handle);
}

void remember(std::set<const void*>& handles, const void* handle)
{
    std::lock_guard lock(fake::state().mutex);
    handles.insert(handle);
}
}

FAKE_EXPORT CUresult cuStreamCreate(CUstream* stream, unsigned int flags)
{
    if (auto r = fake::ready("cuStreamCreate"))
        return r;
    if (!stream || flags > 1)
        return fake::fail("cuStreamCreate", CUDA_ERROR_INVALID_VALUE, "no result pointer or unknown flags");
    *stream = new FakeStream{flags};
    remember(fake::state().streams, *stream);
    fake::stats().live_streams++;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuStreamDestroy_v2(CUstream stream)
{
    if (!forget(fake::state().streams, stream))
        return fake::fail("cuStreamDestroy_v2", CUDA_ERROR_INVALID_HANDLE, "not a live stream");
    fake::stats().live_streams--;
    delete stream;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuStreamSynchronize(CUstream stream)
{
    return fake::valid_stream("cuStreamSynchronize", stream);
}

FAKE_EXPORT CUresult cuEventCreate(CUevent* event, unsigned int flags)
{
    if (auto r = fake::ready("cuEventCreate"))
        return r;
    if (!event || flags > 0xF)
        return fake::fail("cuEventCreate", CUDA_ERROR_INVALID_VALUE, "no result pointer or unknown flags");
    *event = new FakeEvent();
    remember(fake::state().events, *event);
    fake::stats().live_events++;
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuEventRecord(CUevent event, CUstream stream)
{
    if (!live(fake::state().events, event))
        return fake::fail("cuEventRecord", CUDA_ERROR_INVALID_HANDLE, "not a live event");
    if (auto r = fake::valid_stream("cuEventRecord", stream))
        return r;
    event->recorded = true;
    event->time = std::chrono::steady_clock::now();
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuEventSynchronize(CUevent event)
{
    return live(fake::state().events, event) ? CUDA_SUCCESS : fake::fail("cuEventSynchronize", CUDA_ERROR_INVALID_HANDLE, "not a live event");
}

FAKE_EXPORT CUresult cuEventElapsedTime(float* milliseconds, CUevent start, CUevent end)
{
    if (!milliseconds)
        return fake::fail("cuEventElapsedTime", CUDA_ERROR_INVALID_VALUE, "no result pointer");
    if (!live(fake::state().events, start) || !live(fake::state().events, end))
        return fake::fail("cuEventElapsedTime", CUDA_ERROR_INVALID_HANDLE, "not a live event");
    if (!start->recorded || !end->recorded)
        return fake::fail("cuEventElapsedTime", CUDA_ERROR_INVALID_HANDLE, "an event was never recorded");
    *milliseconds = std::chrono::duration<float, std::milli>(end->time - start->time).count();
    return CUDA_SUCCESS;
}

FAKE_EXPORT CUresult cuEventDestroy_v2(CUevent event)
{
    if (!forget(fake::state().events, event))
        return fake::fail("cuEventDestroy_v2", CUDA_ERROR_INVALID_HANDLE, "not a live event");
    fake::stats().live_events--;
    delete event;
    return CUDA_SUCCESS;
}
