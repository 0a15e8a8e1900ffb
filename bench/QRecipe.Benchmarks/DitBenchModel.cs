using System;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>
/// One DiT of a catalogue shape with seeded synthetic weights, batch 2 at image 256 (256 tokens for /2), run as the
/// float model and as the W4A8 recipe of README.md (int4 group 128 symmetric weights, dynamic per-token int8
/// activations on every block operator) on the same weights and input. Weights are quantized once, before timing,
/// as a run does. A side left out (<c>withFloat</c>, <c>withW4A8</c>) is not built, so a process measuring one side's
/// peak memory holds only what that side needs (without the float model, the float weights of the quantized layers are
/// released as a run does).
/// </summary>
public sealed class DitBenchModel : IDisposable
{
    public const int Batch = 2;

    private readonly DitWeights _weights;
    private readonly QuantizedWeights? _quantized;
    private readonly PlanOperators? _operators;
    private readonly SmoothedWeights _smoothed = SmoothedWeights.None();
    private readonly DitModel? _float;
    private readonly DitModel? _w4a8;
    private readonly Tensor _x;
    private readonly Tensor _t;
    private readonly Tensor _y;
    private readonly Tensor _output;

    public DitBenchModel(string model, bool withFloat = true, bool withW4A8 = true)
    {
        var compilation = RecipeCompiler.Compile(
            $"recipe Bench\nmodel {model} image 256\nsampler ddim steps 1\nweights int4 group 128 symmetric\nactivations int8 per-token dynamic on all\n");
        var plan = compilation.Plan ?? throw new InvalidOperationException(string.Join("\n", compilation.Diagnostics));
        Spec = plan.Model;
        var backend = CpuBackend.Instance;
        _weights = DitWeights.Synthetic(Spec, backend, seed: 1);
        if (withW4A8)
        {
            _quantized = QuantizedWeights.Build(plan, _weights, _smoothed, statistics: null, releaseFloat: !withFloat);
            _operators = new PlanOperators(plan, _quantized, _smoothed, statistics: null, ComputeDevices.Cpu, seed: 0);
            _w4a8 = new DitModel(_weights, backend, _operators);
        }
        if (withFloat)
            _float = new DitModel(_weights, backend);
        var latents = new float[Batch * Spec.InChannels * Spec.LatentSize * Spec.LatentSize];
        PhiloxRandom.FillNormal(latents, 2);
        _x = Tensor.From(latents, Batch, Spec.InChannels, Spec.LatentSize, Spec.LatentSize);
        _t = Tensor.From(new[] { 999f, 500f }, Batch);
        _y = Tensor.From(new[] { 207, 360 }, Batch);
        _output = Tensor.Empty(Batch, Spec.OutChannels, Spec.LatentSize, Spec.LatentSize);
    }

    public ModelSpec Spec { get; }

    public Tensor FloatForward()
    {
        (_float ?? throw new InvalidOperationException("built without the float model")).Forward(_x, _t, _y, _output);
        return _output;
    }

    public Tensor W4A8Forward()
    {
        (_w4a8 ?? throw new InvalidOperationException("built without the W4A8 model")).Forward(_x, _t, _y, _output);
        return _output;
    }

    public void Dispose()
    {
        _float?.Dispose();
        _w4a8?.Dispose();
        _operators?.Dispose();
        _quantized?.Dispose();
        _smoothed.Dispose();
        _weights.Dispose();
        _x.Dispose();
        _t.Dispose();
        _y.Dispose();
        _output.Dispose();
    }
}
