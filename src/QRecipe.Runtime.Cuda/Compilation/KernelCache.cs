using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Runtime.Cuda.Compilation;

/// <summary>
/// Compiled kernel images on disk, keyed by SHA-256 of (source, target architecture and kind, NVRTC version), so a
/// changed kernel, another GPU generation or another compiler never reuses a stale image. Folder:
/// <c>QRECIPE_CUDA_CACHE</c>, else $XDG_CACHE_HOME/qrecipe/cuda, else ~/.cache/qrecipe/cuda. Writes go to a temporary
/// file that is renamed into place, so concurrent processes never read half an image.
/// </summary>
internal sealed class KernelCache(string folder)
{
    public const string FolderVariable = "QRECIPE_CUDA_CACHE";

    public string Folder { get; } = folder;

    public static KernelCache Default { get; } = new(DefaultFolder());

    public static string Key(string source, KernelTarget target, Version nvrtcVersion)
    {
        var text = $"{target}|{(target.Cubin ? "cubin" : "ptx")}|nvrtc {nvrtcVersion}|{source}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The cached image for the key, or the result of <paramref name="compile"/>, stored for next time.
    /// An unwritable folder only costs the cache, never the compilation.</summary>
    public byte[] GetOrCompile(string name, string key, Func<byte[]> compile)
    {
        var path = Path.Combine(Folder, $"{name}-{key[..16]}.bin");
        if (File.Exists(path))
            return File.ReadAllBytes(path);
        var image = compile();
        try
        {
            Directory.CreateDirectory(Folder);
            AtomicFile.Write(path, image);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return image;
    }

    private static string DefaultFolder()
    {
        var explicitFolder = Environment.GetEnvironmentVariable(FolderVariable);
        if (!string.IsNullOrEmpty(explicitFolder))
            return explicitFolder;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "qrecipe", "cuda");
    }
}
