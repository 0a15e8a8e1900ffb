using System;
using System.IO;
using QRecipe.Runtime.Cuda.Compilation;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>The on-disk kernel cache: keyed by source, target and NVRTC version; compiles once; survives an
/// unwritable folder.</summary>
public sealed class KernelCacheTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("qrecipe-kcache-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Key_changes_with_source_target_and_compiler_version()
    {
        var sm80 = new KernelTarget(80, Cubin: true);
        var key = KernelCache.Key("a", sm80, new Version(11, 8));
        Assert.Equal(64, key.Length);
        Assert.Equal(key, KernelCache.Key("a", sm80, new Version(11, 8)));
        Assert.NotEqual(key, KernelCache.Key("b", sm80, new Version(11, 8)));
        Assert.NotEqual(key, KernelCache.Key("a", new KernelTarget(90, Cubin: true), new Version(11, 8)));
        Assert.NotEqual(key, KernelCache.Key("a", new KernelTarget(80, Cubin: false), new Version(11, 8)));
        Assert.NotEqual(key, KernelCache.Key("a", sm80, new Version(12, 4)));
    }

    [Fact]
    public void Compiles_once_then_reads_the_stored_image()
    {
        var cache = new KernelCache(Path.Combine(folder, "nested"));
        var key = KernelCache.Key("source", new KernelTarget(90, Cubin: true), new Version(12, 0));
        var compilations = 0;
        byte[] Compile()
        {
            compilations++;
            return [1, 2, 3];
        }

        Assert.Equal(new byte[] { 1, 2, 3 }, cache.GetOrCompile("k.cu", key, Compile));
        Assert.Equal(new byte[] { 1, 2, 3 }, new KernelCache(Path.Combine(folder, "nested")).GetOrCompile("k.cu", key, Compile));
        Assert.Equal(1, compilations);
        Assert.Single(Directory.GetFiles(Path.Combine(folder, "nested")));
    }

    [Fact]
    public void An_unusable_folder_costs_only_the_cache()
    {
        var file = Path.Combine(folder, "a-file");
        File.WriteAllText(file, "");
        var cache = new KernelCache(Path.Combine(file, "below-a-file"));
        var compilations = 0;
        for (var i = 0; i < 2; i++)
            Assert.Equal(new byte[] { 7 }, cache.GetOrCompile("k.cu", new string('0', 64), () => { compilations++; return [7]; }));
        Assert.Equal(2, compilations);
    }

    [Theory]
    [InlineData(90, new[] { 75, 80, 86, 89, 90 }, "sm_90")]
    [InlineData(90, new[] { 75, 80, 86 }, "compute_86")]
    [InlineData(86, new[] { 80, 90 }, "compute_80")]
    public void Target_is_cubin_for_a_known_architecture_else_ptx_for_the_newest_older_one(int device, int[] supported, string expected)
    {
        Assert.Equal(expected, KernelTarget.For(device, supported)!.Value.ToString());
    }

    [Fact]
    public void No_target_when_nvrtc_only_knows_newer_architectures()
    {
        Assert.Null(KernelTarget.For(70, [75, 80]));
    }
}
