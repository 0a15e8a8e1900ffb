using System;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>Recipe runs with every device seam of <c>run --device cuda</c> (backend, activation quantizer, SC
/// accumulators, surrogate) against the fake driver, compared with the CPU run of the same recipe and seed.</summary>
public sealed class FakeDriverRunTests
{
    private const string Model = "model custom { depth 2 hidden 64 heads 4 patch 2 latent 8 classes 10 }\nsampler ddim steps 3 cfg 1.5 seed 0\n";

    private static RecipePlan Plan(string body)
    {
        var compilation = RecipeCompiler.Compile($"recipe T\n{Model}{body}\n");
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    /// <summary>The CPU run's latents, the device run's latents and the bytes the device run copied to the device.</summary>
    private static (float[] Cpu, float[] Device, long ToDevice) Runs(RecipePlan plan)
    {
        var cpu = RecipeRunner.Run(plan, Settings(), ComputeDevices.Cpu).Latents;
        using var device = CudaComputeDevice.Over(FakeDriver.Open());
        var onDevice = RecipeRunner.Run(plan, Settings(), device).Latents;
        return (cpu, onDevice, device.Traffic.ToDevice);
    }

    private static RunSettings Settings() =>
        new(2, [1, 7], 3, Checkpoint: null, SyntheticWeightSeed: 11, CompareFloat: false);

    private static double RelativeMaxError(float[] expected, float[] actual) =>
        expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max() / expected.Max(v => Math.Abs((double)v));

    [CudaFact(CudaNeed.FakeDriver)]
    public void A_float_run_matches_the_cpu_and_keeps_its_weights_on_the_device()
    {
        var (cpu, device, toDevice) = Runs(Plan(""));
        Assert.True(RelativeMaxError(cpu, device) < 1e-5, $"relative error {RelativeMaxError(cpu, device):E2}");
        // Synthetic weights are drawn on the device; what crosses per step is the sampler's state (2 samples, doubled
        // for guidance, 4×8×8 floats) and the timesteps. Staging every operand would copy megabytes per step.
        Assert.True(toDevice < 64 * 1024, $"{toDevice} bytes copied to the device");
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void A_surrogate_run_draws_the_cpu_noise()
    {
        // Uniform, per-head and mp lengths; the noise is about 1e-2 of the outputs, so a different draw fails.
        var plan = Plan("sc precision 8 noise local 0.2 global 0.5 {\n  all stream 64\n  qk heads 0..1 stream 32\n"
            + "  mp fc1 levels 128 32 0 fractions 0.5 0.4 0.1\n}");
        var (cpu, device, _) = Runs(plan);
        Assert.True(RelativeMaxError(cpu, device) < 1e-5, $"relative error {RelativeMaxError(cpu, device):E2}");
    }
}
