using System;
using System.IO;
using QRecipe.Plan.Models;
using QRecipe.Runtime.Bundled;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Export;

namespace QRecipe.Runtime.Tests.Export;

/// <summary>A run from an exported model against the run of the same recipe from the float checkpoint: the reader
/// rebuilds the run's operands through the runtime's own dequantizers, so the latents are equal bit for bit.</summary>
[Collection(SharedWorkersCollection.Name)]
public sealed class ExportedRunTests : IDisposable
{
    private readonly ExportTestFiles _files = new();

    private static string Bundled => BundledAssets.Locate(ModelCatalog.BundledWeights(ModelCatalog.FashionMnist.Name)!);

    private static string BundledRecipe(string file) =>
        File.ReadAllText(Path.Combine(RecipesFolder, file)).Replace("steps 50", "steps 4", StringComparison.Ordinal);

    private static string RecipesFolder
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(directory!.FullName, "QRecipe.sln")))
                directory = directory.Parent;
            return Path.Combine(directory.FullName, "recipes");
        }
    }

    private void AssertSameLatents(string text)
    {
        var plan = ExportTestFiles.Compile(text);
        var path = _files.Export(text, Bundled);
        var settings = new RunSettings(2, null, Seed: 5, Checkpoint: Bundled, SyntheticWeightSeed: 0, CompareFloat: false);
        var direct = RecipeRunner.Run(plan, settings, ComputeDevices.Cpu);
        using var model = ExportedModel.Load(path, plan, text, ComputeDevices.Cpu.Tensors);
        var exported = RecipeRunner.Run(plan, settings with { Checkpoint = null }, model, "export", ComputeDevices.Cpu);
        Assert.Equal(direct.Latents, exported.Latents);
        Assert.Equal(direct.WeightReports.Count, exported.WeightReports.Count);
    }

    [Fact]
    public void The_bundled_w4a8_sc_recipe_runs_bit_identical_from_its_export()
    {
        AssertSameLatents(BundledRecipe("fmnist_w4a8_sc.qrecipe"));
    }

    [Fact]
    public void Calibrated_smoothed_low_rank_codebook_and_step_varying_weights_run_bit_identical_from_the_export()
    {
        AssertSameLatents("""
            recipe ExportMix "every weight form"
            model fmnist-dit/4 image 28
            sampler ddim steps 4 cfg 4 seed 0
            calibrate samples 4 steps 0, 2 batch 4
            weights int4 group 32 asymmetric gptq
            weights int3 per-channel symmetric mse on embed, final
            weights int2 per-channel kmeans-c on fc2
            weights int3 kmeans-a on adaln
            activations int8 per-token dynamic on all
            activations int8 per-tensor asymmetric static on qkv, proj
            smooth ditas alpha 0.5 lowrank 4 iterations 2 on proj
            smooth smoothquant alpha 0.5 on fc2, fc1
            at steps 2..3 {
              weights int8 per-channel asymmetric uaq on fc1
              weights fp on qkv
            }
            """);
    }

    public void Dispose() => _files.Dispose();
}
