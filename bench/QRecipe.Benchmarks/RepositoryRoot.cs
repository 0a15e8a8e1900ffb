using System.IO;

namespace QRecipe.Benchmarks;

/// <summary>The checkout the benchmarks run from (recipes/ and peers live there, not next to the binaries).</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(System.AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QRecipe.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("QRecipe.sln not found above " + System.AppContext.BaseDirectory);
    }
}
