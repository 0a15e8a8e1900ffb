using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using QRecipe.Runtime.Cuda.Compilation;
using QRecipe.Runtime.Cuda.Interop;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda;

/// <summary>
/// One GPU through the driver API: its primary context, one stream, and the kernel modules compiled from
/// <see cref="KernelSources"/> by NVRTC (through <see cref="KernelCache"/>) on first use. <see cref="Open"/> throws
/// <see cref="CudaUnavailableException"/> saying exactly what is missing (driver library, device, NVRTC), so callers
/// can fall back to the CPU backend.
/// </summary>
public sealed unsafe class CudaDevice : IDeviceMemory, IDisposable
{
    private const int OutOfMemory = 2;

    /// <summary>Device blocks are allocated in steps of this many bytes, so that freed ones fit later requests.</summary>
    private const long Granule = 512;
    private readonly CudaDriver driver;
    private readonly int handle;
    private readonly nint context;
    private readonly Dictionary<string, nint> modules = new();
    private readonly Dictionary<string, nint> functions = new();
    private readonly NvrtcCompiler compiler;
    private readonly KernelCache cache;
    private readonly BlockBuckets<ulong> pool;
    private long bytesToDevice;
    private long bytesToHost;
    private bool disposed;

    private CudaDevice(CudaDriver driver, int ordinal, NvrtcCompiler compiler, KernelCache cache, CudaLibraryLocator locator)
    {
        this.driver = driver;
        Locator = locator;
        this.compiler = compiler;
        this.cache = cache;
        int device;
        driver.Check(driver.DeviceGet(&device, ordinal), "cuDeviceGet");
        nint ctx;
        driver.Check(driver.DevicePrimaryCtxRetain(&ctx, device), "cuDevicePrimaryCtxRetain");
        context = ctx;
        handle = device;
        MakeCurrent();
        nint stream;
        driver.Check(driver.StreamCreate(&stream, 0), "cuStreamCreate");
        Stream = stream;
        var name = stackalloc byte[256];
        driver.Check(driver.DeviceGetName(name, 256, device), "cuDeviceGetName");
        Name = Marshal.PtrToStringUTF8((nint)name) ?? "unknown";
        Architecture = 10 * Attribute(device, CudaDriver.AttributeComputeCapabilityMajor) + Attribute(device, CudaDriver.AttributeComputeCapabilityMinor);
        Multiprocessors = Attribute(device, CudaDriver.AttributeMultiprocessorCount);
        MaxSharedMemoryPerBlock = Attribute(device, CudaDriver.AttributeMaxSharedMemoryPerBlockOptin);
        int version;
        driver.Check(driver.DriverGetVersion(&version), "cuDriverGetVersion");
        DriverVersion = new Version(version / 1000, version % 1000 / 10);
        nuint memory;
        driver.Check(driver.DeviceTotalMem(&memory, device), "cuDeviceTotalMem");
        TotalMemory = (long)memory;
        // cuMemAlloc and cuMemFree are slow and cuMemFree waits for the device. Reusing a freed block needs no
        // synchronisation: every copy and kernel runs on the one stream, in order.
        pool = new BlockBuckets<ulong>(TotalMemory / 4);
        Target = KernelTarget.For(Architecture, compiler.SupportedArchitectures)
            ?? throw new CudaUnavailableException($"NVRTC {compiler.Version} cannot compile for {Name} (sm_{Architecture}); it knows sm_{string.Join(", sm_", compiler.SupportedArchitectures)}");
    }

    public string Name { get; }

    /// <summary>Compute capability as 10·major + minor (80 for A100, 90 for H100/H200).</summary>
    public int Architecture { get; }

    public int Multiprocessors { get; }

    public int MaxSharedMemoryPerBlock { get; }

    public long TotalMemory { get; }

    public KernelTarget Target { get; }

    /// <summary>The CUDA version the driver supports (cuDriverGetVersion), e.g. 12.4.</summary>
    public Version DriverVersion { get; }

    public Version NvrtcVersion => compiler.Version;

    /// <summary>Bytes copied host to device and back since the device was opened (what residency saves).</summary>
    public (long ToDevice, long ToHost) Traffic => (Interlocked.Read(ref bytesToDevice), Interlocked.Read(ref bytesToHost));

    internal nint Stream { get; }

    /// <summary>Where the driver and NVRTC were found; cuBLAS is loaded from the same places.</summary>
    internal CudaLibraryLocator Locator { get; }

    internal CudaDriver Driver => driver;

    /// <summary>Opens device <paramref name="ordinal"/>, or throws <see cref="CudaUnavailableException"/> naming what is missing.</summary>
    public static CudaDevice Open(int ordinal = 0) => Open(ordinal, null, null);

    /// <summary><see cref="Open(int)"/> with the libraries found by <paramref name="locator"/> and kernels cached in
    /// <paramref name="cache"/> (the fake-driver tests use their own).</summary>
    internal static CudaDevice Open(int ordinal, CudaLibraryLocator? locator, KernelCache? cache)
    {
        locator ??= CudaLibraryLocator.Default;
        var driver = new CudaDriver(locator.Load(CudaLibrary.Driver));
        var init = driver.Init(0);
        if (init == 100)
            throw new CudaUnavailableException("the CUDA driver found no CUDA-capable device (cuInit: CUDA_ERROR_NO_DEVICE)");
        driver.Check(init, "cuInit");
        int count;
        driver.Check(driver.DeviceGetCount(&count), "cuDeviceGetCount");
        if (ordinal < 0 || ordinal >= count)
            throw new CudaUnavailableException($"CUDA device {ordinal} does not exist: the driver reports {count} device(s)");
        return new CudaDevice(driver, ordinal, NvrtcCompiler.Load(locator), cache ?? KernelCache.Default, locator);
    }

    public DeviceBuffer Allocate<T>(long count) where T : unmanaged => new(this, Math.Max(1, count) * sizeof(T));

    public DeviceBuffer Upload<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var buffer = Allocate<T>(values.Length);
        buffer.Upload(values);
        return buffer;
    }

    /// <summary>The kernel <paramref name="name"/> of source <paramref name="file"/>, compiling and loading the module once.</summary>
    internal nint Function(string file, string name)
    {
        var key = file + ":" + name;
        if (functions.TryGetValue(key, out var function))
            return function;
        MakeCurrent();
        if (!modules.TryGetValue(file, out var module))
        {
            var source = KernelSources.Read(file);
            var image = cache.GetOrCompile(file, KernelCache.Key(source, Target, compiler.Version), () => compiler.Compile(file, source, Target));
            fixed (byte* p = image)
                driver.Check(driver.ModuleLoadData(&module, p), $"cuModuleLoadData({file}, {Target})");
            modules[file] = module;
        }

        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* n = nameBytes)
            driver.Check(driver.ModuleGetFunction(&function, module, n), $"cuModuleGetFunction({file}: {name})");
        functions[key] = function;
        return function;
    }

    /// <summary>Launches <paramref name="name"/> of <paramref name="file"/> on the stream (asynchronously).</summary>
    internal void Launch(string file, string name, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block, int sharedBytes, KernelArguments arguments)
    {
        var function = Function(file, name);
        arguments.With(pointers => Launch(function, name, grid, block, sharedBytes, pointers));
    }

    /// <summary>Launches a grid-stride kernel over <paramref name="elements"/> items: 256 threads per block, at most
    /// 32 blocks per multiprocessor.</summary>
    internal void LaunchElements(string file, string name, long elements, KernelArguments arguments)
    {
        var blocks = (uint)Math.Clamp((elements + 255) / 256, 1, 32L * Multiprocessors);
        Launch(file, name, (blocks, 1, 1), (256, 1, 1), 0, arguments);
    }

    private void Launch(nint function, string name, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block, int sharedBytes, void** arguments)
    {
        MakeCurrent();
        if (sharedBytes > MaxSharedMemoryPerBlock)
            throw new CudaException($"{name} needs {sharedBytes} bytes of shared memory per block; {Name} allows {MaxSharedMemoryPerBlock}");
        if (sharedBytes > 48 * 1024)
            driver.Check(driver.FuncSetAttribute(function, CudaDriver.FunctionAttributeMaxDynamicSharedSize, sharedBytes), $"cuFuncSetAttribute({name})");
        driver.Check(driver.LaunchKernel(function, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, (uint)sharedBytes, Stream, arguments, null),
            $"cuLaunchKernel({name})");
    }

    /// <summary>Starts timing the work queued on this device's stream from now.</summary>
    public DeviceTimer StartTimer() => new(this);

    /// <summary>Makes this device's context current on the calling thread (the driver API is per thread).</summary>
    internal void MakeCurrent() => driver.Check(driver.CtxSetCurrent(context), "cuCtxSetCurrent");

    public void Synchronize() => driver.Check(driver.StreamSynchronize(Stream), "cuStreamSynchronize");

    /// <summary>A device block of at least <paramref name="bytes"/> bytes, reused from <see cref="pool"/> when one of
    /// that size was freed; when the device is full, the kept blocks are freed and the allocation is tried again.</summary>
    internal ulong Allocate(long bytes)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var rounded = RoundUp(bytes);
        if (pool.TryTake(rounded, out var block))
            return block;
        MakeCurrent();
        ulong pointer;
        var result = driver.MemAlloc(&pointer, (nuint)rounded);
        if (result == OutOfMemory)
        {
            foreach (var kept in pool.Drain())
                driver.MemFree(kept);
            result = driver.MemAlloc(&pointer, (nuint)rounded);
        }
        if (result == OutOfMemory)
            throw new OutOfMemoryException($"cuMemAlloc: {bytes} bytes do not fit the free memory of {Name} ({TotalMemory >> 20} MiB total)");
        driver.Check(result, "cuMemAlloc");
        return pointer;
    }

    /// <summary>Gives a block from <see cref="Allocate"/> back for reuse (or to the driver beyond the pool's limit).
    /// Never throws: it runs when buffers and tensors are disposed, after the device may have been closed.</summary>
    internal void Free(ulong pointer, long bytes)
    {
        if (disposed || pool.TryKeep(pointer, RoundUp(bytes)))
            return;
        driver.CtxSetCurrent(context);
        driver.MemFree(pointer);
    }

    private static long RoundUp(long bytes) => (Math.Max(1, bytes) + Granule - 1) / Granule * Granule;

    internal void CopyToDevice(ulong destination, void* source, long bytes)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        MakeCurrent();
        driver.Check(driver.MemcpyHtoDAsync(destination, source, (nuint)bytes, Stream), "cuMemcpyHtoDAsync");
        Synchronize();
        Interlocked.Add(ref bytesToDevice, bytes);
    }

    internal void CopyToHost(void* destination, ulong source, long bytes)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        MakeCurrent();
        driver.Check(driver.MemcpyDtoHAsync(destination, source, (nuint)bytes, Stream), "cuMemcpyDtoHAsync");
        Synchronize();
        Interlocked.Add(ref bytesToHost, bytes);
    }

    ulong IDeviceMemory.Allocate(nuint bytes) => Allocate((long)bytes);

    void IDeviceMemory.Release(ulong block, nuint bytes) => Free(block, (long)bytes);

    void IDeviceMemory.Upload(ulong destination, nint source, nuint bytes)
    {
        if (bytes > 0)
            CopyToDevice(destination, (void*)source, (long)bytes);
    }

    void IDeviceMemory.Download(nint destination, ulong source, nuint bytes)
    {
        if (bytes > 0)
            CopyToHost((void*)destination, source, (long)bytes);
    }

    internal void CopyOnDevice(ulong destination, ulong source, long bytes)
    {
        MakeCurrent();
        if (bytes > 0)
            driver.Check(driver.MemcpyDtoDAsync(destination, source, (nuint)bytes, Stream), "cuMemcpyDtoDAsync");
    }

    /// <summary>Sets <paramref name="count"/> 4-byte words to <paramref name="word"/>.</summary>
    internal void Fill32(ulong pointer, uint word, long count)
    {
        MakeCurrent();
        if (count > 0)
            driver.Check(driver.MemsetD32Async(pointer, word, (nuint)count, Stream), "cuMemsetD32Async");
    }

    internal void Zero(ulong pointer, long bytes)
    {
        MakeCurrent();
        driver.Check(driver.MemsetD8Async(pointer, 0, (nuint)bytes, Stream), "cuMemsetD8Async");
    }

    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        MakeCurrent();
        foreach (var block in pool.Drain())
            driver.MemFree(block);
        foreach (var module in modules.Values)
            driver.ModuleUnload(module);
        driver.StreamDestroy(Stream);
        driver.DevicePrimaryCtxRelease(handle);
    }

    private int Attribute(int device, int attribute)
    {
        int value;
        driver.Check(driver.DeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute");
        return value;
    }
}
