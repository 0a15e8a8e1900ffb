namespace QRecipe.Runtime.Cuda.Interop;

/// <summary>A native CUDA library the backend loads at run time: a display name, the file names to probe (newest
/// first) and the environment variable or package folder that usually provides it.</summary>
internal sealed record CudaLibrary(string Name, string[] FileNames, string Provider)
{
    /// <summary>The driver API; installed with the NVIDIA driver, never by a toolkit or wheel.</summary>
    public static CudaLibrary Driver { get; } = new("CUDA driver", ["libcuda.so.1", "libcuda.so"],
        "the NVIDIA driver (a machine with an NVIDIA GPU and its kernel driver)");

    /// <summary>The run-time compiler; CUDA 11.2+ (soname 11.2 covers 11.2–11.8) or 12.</summary>
    public static CudaLibrary Nvrtc { get; } = new("NVRTC", ["libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"],
        "the CUDA toolkit, Debian's libnvrtc11.2 (non-free) or the nvidia-cuda-nvrtc-cu12 wheel");

    public static CudaLibrary Cublas { get; } = new("cuBLAS", ["libcublas.so.12", "libcublas.so.11", "libcublas.so"],
        "the CUDA toolkit, Debian's libcublas11 (non-free) or the nvidia-cublas-cu12 wheel");
}
