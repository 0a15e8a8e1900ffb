using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace QRecipe.Runtime.Cuda.Interop;

/// <summary>
/// Finds and loads the CUDA libraries. Search order: the folders in <c>QRECIPE_CUDA_PATH</c> (':'-separated; each
/// folder itself and its lib64/ and lib/), the standard toolkit folders (/usr/local/cuda/lib64, /usr/local/cuda-*/lib64,
/// newest first), the distribution folder /usr/lib/x86_64-linux-gnu, the lib/ folders of NVIDIA's Python wheels
/// (site-packages/nvidia/*/lib under the Python installations found), and finally the dynamic loader's own search
/// (LD_LIBRARY_PATH, ldconfig cache). A library that is not found yields a message naming it, every folder searched
/// and what provides it.
/// </summary>
internal sealed class CudaLibraryLocator
{
    public const string PathVariable = "QRECIPE_CUDA_PATH";

    private readonly IReadOnlyList<string> folders;
    private readonly Func<string, nint> load;

    /// <param name="folders">Folders to search, in order.</param>
    /// <param name="load">Loads a library by path or bare name, returning 0 on failure (NativeLibrary.TryLoad by default).</param>
    public CudaLibraryLocator(IReadOnlyList<string> folders, Func<string, nint>? load = null)
    {
        this.folders = folders;
        this.load = load ?? (path => NativeLibrary.TryLoad(path, out var handle) ? handle : 0);
    }

    /// <summary>The locator over this machine's folders.</summary>
    public static CudaLibraryLocator Default { get; } = new(SearchFolders(Environment.GetEnvironmentVariable(PathVariable), "/"));

    /// <summary>The search folders under <paramref name="root"/> ("/" on a real machine; tests pass a fake tree).</summary>
    public static IReadOnlyList<string> SearchFolders(string? pathVariable, string root)
    {
        var result = new List<string>();
        foreach (var folder in (pathVariable ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
            result.AddRange([folder, Path.Combine(folder, "lib64"), Path.Combine(folder, "lib")]);
        var local = Path.Combine(root, "usr", "local");
        result.Add(Path.Combine(local, "cuda", "lib64"));
        if (Directory.Exists(local))
        {
            result.AddRange(Directory.GetDirectories(local, "cuda-*")
                .OrderByDescending(VersionOf).Select(d => Path.Combine(d, "lib64")));
        }

        result.Add(Path.Combine(root, "usr", "lib", "x86_64-linux-gnu"));
        result.AddRange(WheelFolders(root));
        return result.Where(Directory.Exists).Distinct().ToList();
    }

    /// <summary>Loads <paramref name="library"/> or throws <see cref="CudaUnavailableException"/> saying what is missing.</summary>
    public nint Load(CudaLibrary library)
    {
        var tried = new List<string>();
        foreach (var folder in folders)
        {
            foreach (var name in library.FileNames)
            {
                var path = Path.Combine(folder, name);
                if (!File.Exists(path))
                    continue;
                var handle = load(path);
                if (handle != 0)
                    return handle;
                tried.Add(path + " (exists but failed to load)");
            }
        }

        foreach (var name in library.FileNames)
        {
            var handle = load(name);
            if (handle != 0)
                return handle;
        }

        throw new CudaUnavailableException(MissingMessage(library, tried));
    }

    private string MissingMessage(CudaLibrary library, List<string> tried)
    {
        var searched = folders.Count == 0 ? "no candidate folders exist" : string.Join(", ", folders);
        var failed = tried.Count == 0 ? string.Empty : $"; found but unusable: {string.Join(", ", tried)}";
        return $"{library.Name} not found: looked for {string.Join(" or ", library.FileNames)} in {searched} and on the " +
               $"loader path{failed}. It comes with {library.Provider}; set {PathVariable} to the folder that holds it.";
    }

    private static Version VersionOf(string cudaFolder) =>
        Version.TryParse(Path.GetFileName(cudaFolder)["cuda-".Length..], out var version) ? version : new Version(0, 0);

    /// <summary>site-packages/nvidia/*/lib of every python3.* under /usr/lib, /usr/local/lib and the user's ~/.local/lib.</summary>
    private static IEnumerable<string> WheelFolders(string root)
    {
        var home = Environment.GetEnvironmentVariable("HOME");
        var bases = new List<string> { Path.Combine(root, "usr", "lib"), Path.Combine(root, "usr", "local", "lib") };
        if (!string.IsNullOrEmpty(home) && root == "/")
            bases.Add(Path.Combine(home, ".local", "lib"));
        var virtualEnv = Environment.GetEnvironmentVariable("VIRTUAL_ENV");
        if (!string.IsNullOrEmpty(virtualEnv) && root == "/")
            bases.Add(Path.Combine(virtualEnv, "lib"));
        foreach (var basePath in bases.Where(Directory.Exists))
        {
            foreach (var python in Directory.GetDirectories(basePath, "python3*").Order(StringComparer.Ordinal))
            {
                foreach (var packages in new[] { "site-packages", "dist-packages" })
                {
                    var nvidia = Path.Combine(python, packages, "nvidia");
                    if (!Directory.Exists(nvidia))
                        continue;
                    foreach (var package in Directory.GetDirectories(nvidia).Order(StringComparer.Ordinal))
                        yield return Path.Combine(package, "lib");
                }
            }
        }
    }
}
