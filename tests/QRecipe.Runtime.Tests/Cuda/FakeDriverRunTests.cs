using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>Recipe runs with every device seam of <c>run --device cuda</c> (backend, activation quantizer, exact SC
/// products, SC accumulators, surrogate) against the fake driver, compared with the CPU run of the same recipe and
/// seed.</summary>
public sealed class FakeDriverRunTests
{
    private const string Model = "model custom { depth 2 hidden 64 heads 4 patch 2 latent 8 classes 10 }\nsampler ddim steps 3 cfg 1.5 seed 0\n";

    private static RecipePlan Plan(string body)
    {
        var compilation = RecipeCompiler.Compile($"recipe T\n{Model}{body}\n");
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    /// <summary>The CPU run's latents, the device run's latents and the bytes the device run copied each way.</summary>
    private static (float[] Cpu, float[] Device, long ToDevice, long ToHost) Runs(RecipePlan plan, RunSettings? settings = null)
    {
        settings ??= Settings();
        var cpu = RecipeRunner.Run(plan, settings, ComputeDevices.Cpu).Latents;
        using var device = CudaComputeDevice.Over(FakeDriver.Open());
        var onDevice = RecipeRunner.Run(plan, settings, device).Latents;
        return (cpu, onDevice, device.Traffic.ToDevice, device.Traffic.ToHost);
    }

    private static RunSettings Settings() =>
        new(2, [1, 7], 3, Checkpoint: null, SyntheticWeightSeed: 11, CompareFloat: false);

    /// <summary>A recipe of recipes/, with its sc sections cut when <paramref name="dropSc"/>.</summary>
    private static RecipePlan Bundled(string name, bool dropSc = false)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "QRecipe.sln")))
            directory = directory.Parent;
        var file = Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("no QRecipe.sln above the test binaries"), "recipes", name);
        var text = File.ReadAllText(file);
        var compilation = RecipeCompiler.Compile(dropSc ? text[..text.IndexOf("\nsc ", StringComparison.Ordinal)] : text, file);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    private static double RelativeMaxError(float[] expected, float[] actual) =>
        expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max() / expected.Max(v => Math.Abs((double)v));

    [CudaFact(CudaNeed.FakeDriver)]
    public void A_float_run_matches_the_cpu_and_keeps_its_weights_on_the_device()
    {
        var (cpu, device, toDevice, _) = Runs(Plan(""));
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
        var (cpu, device, _, _) = Runs(plan);
        Assert.True(RelativeMaxError(cpu, device) < 1e-5, $"relative error {RelativeMaxError(cpu, device):E2}");
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void Exact_sc_cells_run_on_the_device_tensors_and_match_the_cpu()
    {
        // Uniform and per-head lengths on qk/av and an unipolar fc1 and proj (asymmetric weights) with their biases.
        const string weights = "weights int8 per-channel asymmetric\n";
        var (cpu, device, toDevice, toHost) = Runs(Plan(weights + "sc precision 6 {\n  qk, av, fc1, proj stream 64\n  qk heads 0..1 stream 32\n}"));
        Assert.True(RelativeMaxError(cpu, device) < 1e-5, $"relative error {RelativeMaxError(cpu, device):E2}");
        // The SC cells add only their tables (once per geometry, 36 KiB here) and 8 bytes a call to what the weights'
        // quantization moves; staging their operands through the host would add about 0.6 MiB each way (3 steps,
        // 2 samples guided, 16 tokens, 2 blocks).
        var (_, _, floatToDevice, floatToHost) = Runs(Plan(weights));
        Assert.True(toDevice <= floatToDevice + 64 * 1024 && toHost <= floatToHost + 1024,
            $"{toDevice} bytes to the device and {toHost} back; without SC {floatToDevice} and {floatToHost}");
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void A_cell_the_device_declines_runs_on_the_cpu_engine_beside_device_cells()
    {
        var plan = Plan("sc precision 6 {\n  qk, av, proj stream 64\n  mp proj levels 64 32 fractions 0.5 0.5\n}");
        var (cpu, device, _, _) = Runs(plan);
        Assert.True(RelativeMaxError(cpu, device) < 1e-5, $"relative error {RelativeMaxError(cpu, device):E2}");
        using var gpu = CudaComputeDevice.Over(FakeDriver.Open());
        var sc = Assert.Single(gpu.Describe(plan), line => line.Contains("SC:"));
        Assert.Contains("exact cells computed whole on the GPU", sc);
        Assert.Contains("exact cells on the CPU engine with the GPU's integer accumulators (6 with mixed precision)", sc);
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void Small_custom_keeps_its_sc_products_on_the_device()
    {
        // The bundled recipe, 10 steps of exact SC attention in every block, against the path that staged every SC
        // operand through the host (the CPU engine around the GPU's accumulators, 73 MiB to the device and 86 MiB back
        // for 4 samples): the same latents bit for bit (both quantize the same device activations); the run moves no
        // more than the recipe without SC, and under 5 MiB each way now that its int4 weights are made on the device
        // (5.3 MiB each way when they were made on the host).
        var plan = Bundled("small_custom.qrecipe");
        var settings = new RunSettings(2, [1, 7], 3, null, 11, false);
        using var gpu = CudaComputeDevice.Over(FakeDriver.Open());
        var latents = RecipeRunner.Run(plan, settings, gpu).Latents;
        var (toDevice, toHost) = (gpu.Traffic.ToDevice, gpu.Traffic.ToHost);
        using var staged = new HostStagedSc(CudaComputeDevice.Over(FakeDriver.Open()));
        Assert.Equal(RecipeRunner.Run(plan, settings, staged).Latents, latents);
        using var withoutSc = CudaComputeDevice.Over(FakeDriver.Open());
        RecipeRunner.Run(Bundled("small_custom.qrecipe", dropSc: true), settings, withoutSc);
        Assert.True(toDevice <= withoutSc.Traffic.ToDevice + 64 * 1024 && toHost <= withoutSc.Traffic.ToHost + 64 * 1024,
            $"{toDevice} bytes to the device and {toHost} back; without SC {withoutSc.Traffic.ToDevice} and {withoutSc.Traffic.ToHost}");
        Assert.True(toDevice < 5 << 20 && toHost < 5 << 20, $"{toDevice} bytes to the device and {toHost} back");
    }

    /// <summary>The GPU without its whole-product SC seam: exact cells take the CPU engine's host-side path.</summary>
    private sealed class HostStagedSc(CudaComputeDevice gpu) : IComputeDevice
    {
        public string Name => gpu.Name;
        public ITensorBackend Tensors => gpu.Tensors;
        public IActivationFakeQuantizer? ActivationQuantizer => gpu.ActivationQuantizer;
        public IWeightFakeQuantizer? WeightQuantizer => gpu.WeightQuantizer;
        public IScAccumulators? ScAccumulators => gpu.ScAccumulators;
        public IScProducts? ScProducts => null;
        public IScSurrogate? ScSurrogate => gpu.ScSurrogate;
        public DeviceTraffic Traffic => gpu.Traffic;
        public IReadOnlyList<string> Describe(RecipePlan plan) => gpu.Describe(plan);
        public IReadOnlyList<string> Report() => gpu.Report();
        public void Dispose() => gpu.Dispose();
    }
}
