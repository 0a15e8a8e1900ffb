using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>The run's seams that <c>run --device cuda</c> plugs the GPU into. SC accumulators
/// (<see cref="IScAccumulators"/>): a source that reads only the codes, as the device does, and returns the engine's
/// integers gives the default run's latents bit for bit, and every exact product goes through it. Activation
/// fake-quantization (<see cref="IActivationFakeQuantizer"/>): every quantized operand goes through the given one.
/// Noise-surrogate products (<see cref="IScSurrogate"/>): every product, whole or per stream length, goes through the
/// given one.</summary>
public sealed class RunDeviceSeamTests
{
    private const string Model = "depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10";
    private const string Quantizers = "weights int8 per-channel\nactivations int8 on all\n";

    /// <summary>The engine's plain kernels on each slice's codes, counted; the codes, not the row-table entries.</summary>
    private sealed class CountingAccumulators : IScAccumulators
    {
        public int EnableSlices { get; private set; }
        public int BitstreamSlices { get; private set; }
        public HashSet<int> Lengths { get; } = [];

        public bool ReadsCodes => true;

        public ScAccumulatorSet Enable(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, EnableTables tables)
        {
            EnableSlices += a.Count;
            Lengths.Add(tables.Sequences.Length);
            return new ScAccumulatorSet(a.Select((codes, s) => EnableKernel.Accumulate(codes, b[s].Codes, tables, b[s].Signed)).ToArray(), false);
        }

        public ScAccumulatorSet Bitstream(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, ScSequences sequences)
        {
            BitstreamSlices += a.Count;
            return new ScAccumulatorSet(a.Select((codes, s) => BitstreamKernel.Accumulate(codes, b[s].Codes, sequences)).ToArray(), false);
        }
    }

    /// <summary>The host quantizer, counted, writing into a tensor it did not get as input.</summary>
    private sealed class CountingActivations : IActivationFakeQuantizer
    {
        public int Calls { get; private set; }

        public void FakeQuantize(Tensor input, Tensor destination, int rows, int cols, ActivationQuant setting, StaticRange? range, string layer)
        {
            Calls++;
            Assert.False(input.StartsAt(destination));
            HostActivationFakeQuantizer.Instance.FakeQuantize(input, destination, rows, cols, setting, range, layer);
        }
    }

    /// <summary>The CPU engine's surrogate, counted; b always arrives as a tensor of its rows.</summary>
    private sealed class CountingSurrogate : IScSurrogate
    {
        public int Linear { get; private set; }
        public int Batched { get; private set; }

        public float[] Multiply(ReadOnlySpan<float> a, int n, Tensor b, ReadOnlySpan<float> bRowScales, int m, int d, int stream, NoiseModel noise,
            ScMode mode, ulong seed, ulong streamId)
        {
            Linear++;
            Assert.Equal(new TensorShape(m, d), b.Shape);
            return ScEngineSurrogate.Instance.Multiply(a, n, b, bRowScales, m, d, stream, noise, mode, seed, streamId);
        }

        public float[] MultiplyBatched(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d, int stream, NoiseModel noise,
            ScMode mode, ulong seed, ulong streamId)
        {
            Batched++;
            return ScEngineSurrogate.Instance.MultiplyBatched(a, b, batch, n, m, d, stream, noise, mode, seed, streamId);
        }
    }

    private static RecipePlan Plan(string body)
    {
        var compilation = RecipeCompiler.Compile($"recipe T\nmodel custom {{ {Model} }}\nsampler ddim steps 3 cfg 1.5\n{Quantizers}{body}\n");
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    private static RunResult Run(RecipePlan plan, IScAccumulators? accumulators, IActivationFakeQuantizer? activations = null,
        IScSurrogate? surrogate = null) =>
        RecipeRunner.Run(plan, new RunSettings(2, [1, 7], 3, Checkpoint: null, SyntheticWeightSeed: 11, CompareFloat: false),
            new SeamDevice(accumulators, activations, surrogate));

    /// <summary>The CPU backend with the given seams (null: the CPU engine's), as a device that moves no bytes.</summary>
    private sealed class SeamDevice(IScAccumulators? accumulators, IActivationFakeQuantizer? activations, IScSurrogate? surrogate) : IComputeDevice
    {
        public string Name => "cpu with counting seams";

        public ITensorBackend Tensors => CpuBackend.Instance;

        public IActivationFakeQuantizer? ActivationQuantizer => activations;

        public IWeightFakeQuantizer? WeightQuantizer => null;

        public IScAccumulators? ScAccumulators => accumulators;

        public IScProducts? ScProducts => null;

        public IScSurrogate? ScSurrogate => surrogate;

        public DeviceTraffic Traffic => default;

        public IReadOnlyList<string> Describe(RecipePlan plan) => [];

        public IReadOnlyList<string> Report() => [];

        public void Dispose()
        {
        }
    }

    [Fact]
    public void Every_surrogate_product_goes_through_the_given_surrogate()
    {
        // Uniform linears (one product per call), fc1 with three row lengths (0 prunes: two products per call), qk with
        // per-head lengths (slices by length) and uniform av (one batched product per call).
        var plan = Plan("sc precision 8 noise local 0.2 global 0.5 {\n  all stream 64\n  qk heads 0 stream 32\n"
            + "  mp fc1 levels 128 32 0 fractions 0.5 0.4 0.1\n}");
        var counting = new CountingSurrogate();
        Assert.Equal(Run(plan, null).Latents, Run(plan, null, surrogate: counting).Latents);
        // Per step and block: qkv, proj, fc2, adaln one product each, fc1 two; av one batched product over its 8 slices
        // (2 samples x 2 for guidance x 2 heads), qk one per slice, as its heads' lengths differ.
        Assert.Equal(3 * 2 * (4 + 2), counting.Linear);
        Assert.Equal(3 * 2 * (1 + 8), counting.Batched);
    }

    [Fact]
    public void Every_fake_quantized_operand_goes_through_the_given_quantizer()
    {
        // int8 activations on the seven block operators; fc1 is exact SC, which quantizes its operands itself. One
        // (CFG-batched) forward per step: 3 steps x 2 blocks x (qkv, proj, fc2, adaln: 1 operand; qk, av: 2).
        var plan = Plan("sc precision 8 {\n  fc1 stream 64\n}");
        var counting = new CountingActivations();
        Assert.Equal(Run(plan, null).Latents, Run(plan, null, counting).Latents);
        Assert.Equal(3 * 2 * (4 * 1 + 2 * 2), counting.Calls);
    }

    [Fact]
    public void Enable_kernel_run_through_the_seam_equals_the_default_run()
    {
        // Uniform, per-head, per-row (mp) and row x weight-group (fc1 mp + groups) lengths, pruning, and a chunked fc2.
        var plan = Plan("sc precision 8 {\n  all stream 64\n  qk heads 1 stream 32\n  fc1 groups 1 of 2 stream 16\n"
            + "  mp fc1 levels 128 32 0 fractions 0.5 0.4 0.1\n  mp av levels 64 16 fractions 0.5 0.5\n  fc2 off\n}\n"
            + "sc chunk 64 {\n  fc2 stream 128\n}");
        var counting = new CountingAccumulators();
        var seam = Run(plan, counting);
        Assert.Equal(Run(plan, null).Latents, seam.Latents);
        Assert.True(counting.EnableSlices > 0);
        Assert.Equal(0, counting.BitstreamSlices);
        Assert.Superset(new HashSet<int> { 128, 64, 32, 16 }, counting.Lengths);
    }

    [Fact]
    public void Legacy_xnor_run_through_the_seam_equals_the_default_run()
    {
        var plan = Plan("sc precision 8 kernel xnor {\n  fc1 stream 64\n  proj stream 128\n}");
        var counting = new CountingAccumulators();
        Assert.Equal(Run(plan, null).Latents, Run(plan, counting).Latents);
        Assert.True(counting.BitstreamSlices > 0);
        Assert.Equal(0, counting.EnableSlices);
    }

    /// <summary>Adaptive and range classes are decided on the host from the operands (metrics per call, weight ranges
    /// once), so a device's accumulators run the same lengths: 64 and 16 from the adaptive rule, and the range groups'
    /// 128 capped to the cell's 64 and their shorter 32.</summary>
    [Fact]
    public void Adaptive_and_range_run_through_the_seam_equals_the_default_run()
    {
        var plan = Plan("sc precision 8 {\n  all stream 64\n  mp qk, av levels 64 16 0 adaptive alpha 0.5 beta 0.1\n"
            + "  range qkv, fc1 levels 128 32 threshold 0.4 group 16\n}");
        var counting = new CountingAccumulators();
        Assert.Equal(Run(plan, null).Latents, Run(plan, counting).Latents);
        Assert.Superset(new HashSet<int> { 64, 32, 16 }, counting.Lengths);
    }
}
