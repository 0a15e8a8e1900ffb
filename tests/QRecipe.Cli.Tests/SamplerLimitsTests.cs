using System.IO;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests;

/// <summary>check and run agree on the sampler: every setting at the limits check accepts (steps 1..1000, cfg 1..100,
/// the largest seed, DDIM's eta 0..1) runs to finite latents.</summary>
public sealed class SamplerLimitsTests
{
    [Theory]
    [InlineData("ddpm steps 1")]
    [InlineData("ddim steps 1 eta 1")]
    [InlineData("ddpm steps 2 cfg 100 seed 2147483647")]
    [InlineData("ddim steps 3 cfg 1 eta 0.5")]
    [InlineData("ddim steps 1000 eta 1")]
    public void A_sampler_that_checks_also_runs(string sampler)
    {
        using var folder = new TempFolder();
        var recipe = folder.File("tiny.qrecipe", $"recipe Tiny\nmodel custom {{ depth 1 hidden 32 heads 2 patch 2 latent 4 classes 10 }}\nsampler {sampler}\n");
        var (checkCode, _, checkError) = CliRunner.Run("check", recipe);
        Assert.True(checkCode == 0, checkError);

        var results = Path.Combine(folder.Path, "results");
        var (code, _, error) = CliRunner.Run("run", recipe, "--synthetic", "--samples", "1", "--out", results);
        Assert.True(code == 0, error);
        var latents = NpyFile.Read(Path.Combine(results, "001-Tiny", "latents.npy"));
        Assert.All(latents.Values, v => Assert.True(double.IsFinite(v)));
    }
}
