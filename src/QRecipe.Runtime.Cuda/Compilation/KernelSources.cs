using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace QRecipe.Runtime.Cuda.Compilation;

/// <summary>The kernel sources (Kernels/*.cu), embedded in the assembly as resources named
/// "QRecipe.Cuda.&lt;file&gt;" so a published single folder carries them.</summary>
internal static class KernelSources
{
    private const string Prefix = "QRecipe.Cuda.";

    /// <summary>File names of every kernel source, e.g. "elementwise.cu".</summary>
    public static IReadOnlyList<string> Files { get; } = typeof(KernelSources).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, System.StringComparison.Ordinal)).Select(n => n[Prefix.Length..]).Order().ToList();

    public static string Read(string file)
    {
        using var stream = typeof(KernelSources).Assembly.GetManifestResourceStream(Prefix + file)
            ?? throw new FileNotFoundException($"no embedded kernel source '{file}' (have: {string.Join(", ", Files)})");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
