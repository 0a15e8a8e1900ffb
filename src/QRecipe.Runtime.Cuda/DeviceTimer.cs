using System;

namespace QRecipe.Runtime.Cuda;

/// <summary>Device-side elapsed time of the work queued on the stream between construction and <see cref="Stop"/>
/// (a pair of CUDA events), so host staging and launch overhead outside that window are not counted.</summary>
public sealed unsafe class DeviceTimer : IDisposable
{
    private readonly CudaDevice device;
    private readonly nint start;
    private readonly nint end;

    internal DeviceTimer(CudaDevice device)
    {
        this.device = device;
        var driver = device.Driver;
        device.MakeCurrent();
        nint s, e;
        driver.Check(driver.EventCreate(&s, 0), "cuEventCreate");
        driver.Check(driver.EventCreate(&e, 0), "cuEventCreate");
        (start, end) = (s, e);
        driver.Check(driver.EventRecord(start, device.Stream), "cuEventRecord");
    }

    /// <summary>Milliseconds between construction and now on the device's stream; waits for the stream.</summary>
    public float Stop()
    {
        var driver = device.Driver;
        driver.Check(driver.EventRecord(end, device.Stream), "cuEventRecord");
        driver.Check(driver.EventSynchronize(end), "cuEventSynchronize");
        float milliseconds;
        driver.Check(driver.EventElapsedTime(&milliseconds, start, end), "cuEventElapsedTime");
        return milliseconds;
    }

    public void Dispose()
    {
        device.Driver.EventDestroy(start);
        device.Driver.EventDestroy(end);
    }
}
