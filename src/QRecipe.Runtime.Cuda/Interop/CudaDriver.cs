using System.Runtime.InteropServices;

namespace QRecipe.Runtime.Cuda.Interop;

/// <summary>
/// The CUDA driver API entry points the backend uses (libcuda.so.1), resolved at run time as unmanaged function
/// pointers so nothing binds at start-up and trimming/AOT need no marshalling stubs. Handles (context, stream,
/// module, function, event) are opaque pointers; device memory is a 64-bit CUdeviceptr. Every call returns a
/// CUresult that <see cref="Check"/> turns into an exception naming the call and the error.
/// </summary>
internal sealed unsafe class CudaDriver
{
    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const int AttributeMaxSharedMemoryPerBlockOptin = 97;
    public const int FunctionAttributeMaxDynamicSharedSize = 8;

    public readonly delegate* unmanaged<uint, int> Init;
    public readonly delegate* unmanaged<int*, int> DriverGetVersion;
    public readonly delegate* unmanaged<int*, int> DeviceGetCount;
    public readonly delegate* unmanaged<int*, int, int> DeviceGet;
    public readonly delegate* unmanaged<byte*, int, int, int> DeviceGetName;
    public readonly delegate* unmanaged<int*, int, int, int> DeviceGetAttribute;
    public readonly delegate* unmanaged<nuint*, int, int> DeviceTotalMem;
    public readonly delegate* unmanaged<nint*, int, int> DevicePrimaryCtxRetain;
    public readonly delegate* unmanaged<int, int> DevicePrimaryCtxRelease;
    public readonly delegate* unmanaged<nint, int> CtxSetCurrent;
    public readonly delegate* unmanaged<ulong*, nuint, int> MemAlloc;
    public readonly delegate* unmanaged<ulong, int> MemFree;
    public readonly delegate* unmanaged<ulong, void*, nuint, nint, int> MemcpyHtoDAsync;
    public readonly delegate* unmanaged<void*, ulong, nuint, nint, int> MemcpyDtoHAsync;
    public readonly delegate* unmanaged<ulong, ulong, nuint, nint, int> MemcpyDtoDAsync;
    public readonly delegate* unmanaged<ulong, byte, nuint, nint, int> MemsetD8Async;
    public readonly delegate* unmanaged<ulong, uint, nuint, nint, int> MemsetD32Async;
    public readonly delegate* unmanaged<nint*, uint, int> StreamCreate;
    public readonly delegate* unmanaged<nint, int> StreamDestroy;
    public readonly delegate* unmanaged<nint, int> StreamSynchronize;
    public readonly delegate* unmanaged<nint*, void*, int> ModuleLoadData;
    public readonly delegate* unmanaged<nint, int> ModuleUnload;
    public readonly delegate* unmanaged<nint*, nint, byte*, int> ModuleGetFunction;
    public readonly delegate* unmanaged<nint, int, int, int> FuncSetAttribute;
    public readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int> LaunchKernel;
    public readonly delegate* unmanaged<nint*, uint, int> EventCreate;
    public readonly delegate* unmanaged<nint, nint, int> EventRecord;
    public readonly delegate* unmanaged<nint, int> EventSynchronize;
    public readonly delegate* unmanaged<float*, nint, nint, int> EventElapsedTime;
    public readonly delegate* unmanaged<nint, int> EventDestroy;
    private readonly delegate* unmanaged<int, byte**, int> getErrorName;

    public CudaDriver(nint library)
    {
        var e = new Exports(library, CudaLibrary.Driver);
        Init = (delegate* unmanaged<uint, int>)e["cuInit"];
        DriverGetVersion = (delegate* unmanaged<int*, int>)e["cuDriverGetVersion"];
        DeviceGetCount = (delegate* unmanaged<int*, int>)e["cuDeviceGetCount"];
        DeviceGet = (delegate* unmanaged<int*, int, int>)e["cuDeviceGet"];
        DeviceGetName = (delegate* unmanaged<byte*, int, int, int>)e["cuDeviceGetName"];
        DeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)e["cuDeviceGetAttribute"];
        DeviceTotalMem = (delegate* unmanaged<nuint*, int, int>)e["cuDeviceTotalMem_v2"];
        DevicePrimaryCtxRetain = (delegate* unmanaged<nint*, int, int>)e["cuDevicePrimaryCtxRetain"];
        DevicePrimaryCtxRelease = (delegate* unmanaged<int, int>)e["cuDevicePrimaryCtxRelease_v2"];
        CtxSetCurrent = (delegate* unmanaged<nint, int>)e["cuCtxSetCurrent"];
        MemAlloc = (delegate* unmanaged<ulong*, nuint, int>)e["cuMemAlloc_v2"];
        MemFree = (delegate* unmanaged<ulong, int>)e["cuMemFree_v2"];
        MemcpyHtoDAsync = (delegate* unmanaged<ulong, void*, nuint, nint, int>)e["cuMemcpyHtoDAsync_v2"];
        MemcpyDtoHAsync = (delegate* unmanaged<void*, ulong, nuint, nint, int>)e["cuMemcpyDtoHAsync_v2"];
        MemcpyDtoDAsync = (delegate* unmanaged<ulong, ulong, nuint, nint, int>)e["cuMemcpyDtoDAsync_v2"];
        MemsetD8Async = (delegate* unmanaged<ulong, byte, nuint, nint, int>)e["cuMemsetD8Async"];
        MemsetD32Async = (delegate* unmanaged<ulong, uint, nuint, nint, int>)e["cuMemsetD32Async"];
        StreamCreate = (delegate* unmanaged<nint*, uint, int>)e["cuStreamCreate"];
        StreamDestroy = (delegate* unmanaged<nint, int>)e["cuStreamDestroy_v2"];
        StreamSynchronize = (delegate* unmanaged<nint, int>)e["cuStreamSynchronize"];
        ModuleLoadData = (delegate* unmanaged<nint*, void*, int>)e["cuModuleLoadData"];
        ModuleUnload = (delegate* unmanaged<nint, int>)e["cuModuleUnload"];
        ModuleGetFunction = (delegate* unmanaged<nint*, nint, byte*, int>)e["cuModuleGetFunction"];
        FuncSetAttribute = (delegate* unmanaged<nint, int, int, int>)e["cuFuncSetAttribute"];
        LaunchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int>)e["cuLaunchKernel"];
        EventCreate = (delegate* unmanaged<nint*, uint, int>)e["cuEventCreate"];
        EventRecord = (delegate* unmanaged<nint, nint, int>)e["cuEventRecord"];
        EventSynchronize = (delegate* unmanaged<nint, int>)e["cuEventSynchronize"];
        EventElapsedTime = (delegate* unmanaged<float*, nint, nint, int>)e["cuEventElapsedTime"];
        EventDestroy = (delegate* unmanaged<nint, int>)e["cuEventDestroy_v2"];
        getErrorName = (delegate* unmanaged<int, byte**, int>)e["cuGetErrorName"];
    }

    /// <summary>Throws for a non-zero CUresult, naming the call and the driver's error name.</summary>
    public void Check(int result, string call)
    {
        if (result == 0)
            return;
        byte* name = null;
        var text = getErrorName(result, &name) == 0 && name != null ? Marshal.PtrToStringUTF8((nint)name) : null;
        throw new CudaException($"{call} failed: {text ?? "CUresult " + result} ({result})");
    }
}
