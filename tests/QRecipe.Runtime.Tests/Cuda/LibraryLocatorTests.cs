using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Cuda.Interop;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>Library search over fake directory trees: folder order, wheel folders, and the message when a library
/// is missing or unusable.</summary>
public sealed class LibraryLocatorTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("qrecipe-cuda-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Touch(params string[] parts)
    {
        var path = Path.Combine([root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not a real library");
        return path;
    }

    [Fact]
    public void Folders_come_in_search_order()
    {
        Touch("opt", "mycuda", "lib64", "x");
        Touch("usr", "local", "cuda-11.8", "lib64", "x");
        Touch("usr", "local", "cuda-12.4", "lib64", "x");
        Touch("usr", "local", "cuda-12.10", "lib64", "x");
        Touch("usr", "lib", "x86_64-linux-gnu", "x");
        Touch("usr", "local", "lib", "python3.11", "dist-packages", "nvidia", "cublas", "lib", "x");
        Touch("usr", "local", "lib", "python3.11", "dist-packages", "nvidia", "cuda_nvrtc", "lib", "x");

        var folders = CudaLibraryLocator.SearchFolders(Path.Combine(root, "opt", "mycuda"), root).Select(f => Path.GetRelativePath(root, f));

        Assert.Equal(new[]
        {
            "opt/mycuda", "opt/mycuda/lib64",
            "usr/local/cuda-12.10/lib64", "usr/local/cuda-12.4/lib64", "usr/local/cuda-11.8/lib64",
            "usr/lib/x86_64-linux-gnu",
            "usr/local/lib/python3.11/dist-packages/nvidia/cublas/lib",
            "usr/local/lib/python3.11/dist-packages/nvidia/cuda_nvrtc/lib",
        }, folders);
    }

    [Fact]
    public void Loads_the_first_existing_file_in_folder_order_preferring_newer_sonames()
    {
        var older = Touch("a", "libnvrtc.so.11.2");
        Touch("b", "libnvrtc.so.12");
        var loaded = new List<string>();
        var locator = new CudaLibraryLocator([Path.Combine(root, "a"), Path.Combine(root, "b")], path =>
        {
            loaded.Add(path);
            return path == older ? 42 : 0;
        });

        Assert.Equal(42, locator.Load(CudaLibrary.Nvrtc));
        Assert.Equal([older], loaded);
    }

    [Fact]
    public void Missing_library_names_itself_the_folders_searched_and_the_variable()
    {
        Touch("usr", "lib", "x86_64-linux-gnu", "libcudart.so.12");
        var locator = new CudaLibraryLocator(CudaLibraryLocator.SearchFolders(null, root), _ => 0);

        var error = Assert.Throws<CudaUnavailableException>(() => locator.Load(CudaLibrary.Driver));

        Assert.StartsWith("CUDA driver not found: looked for libcuda.so.1 or libcuda.so in " + Path.Combine(root, "usr", "lib", "x86_64-linux-gnu"), error.Message);
        Assert.Contains("the NVIDIA driver", error.Message);
        Assert.Contains("set QRECIPE_CUDA_PATH", error.Message);
    }

    [Fact]
    public void A_file_that_does_not_load_is_named_in_the_message()
    {
        var broken = Touch("lib", "libcublas.so.12");
        var locator = new CudaLibraryLocator([Path.Combine(root, "lib")], _ => 0);

        var error = Assert.Throws<CudaUnavailableException>(() => locator.Load(CudaLibrary.Cublas));

        Assert.Contains($"found but unusable: {broken} (exists but failed to load)", error.Message);
        Assert.Contains("nvidia-cublas-cu12", error.Message);
    }

    [Fact]
    public void Opening_a_device_without_the_driver_says_so()
    {
        var locator = new CudaLibraryLocator([], _ => 0);

        var error = Assert.Throws<CudaUnavailableException>(() => CudaDevice.Open(0, locator, null));

        Assert.StartsWith("CUDA driver not found: looked for libcuda.so.1 or libcuda.so in no candidate folders exist", error.Message);
    }
}
