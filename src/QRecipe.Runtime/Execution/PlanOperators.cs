using System;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution;

/// <summary>
/// Runs each product as the plan's cell for the current step says: float, fake-quantized (the cell's quantized
/// weight and its activation quantizer) or stochastic computing (<see cref="ScCellProducts"/>: exact, per head, per
/// group, mixed precision or the noise surrogate). The cell is looked up once per operator call. Exact SC quantizes
/// both operands itself (docs/sc-engine.md), so the cell's activation quantizer is not applied on top; the noise
/// surrogate does not quantize, so it runs on the fake-quantized operand (with c = 0 it is the plain quantized
/// product). The weight operand is the cell's quantized weight. With <c>debug</c> the cell's SC product is compared
/// with the float product of the same operands and, as scmp's <c>--debug_sc</c>, the float product goes downstream.
/// Smoothed layers use their folded weights; fc2-style layers divide their input by s first (docs/quantization.md).
/// An exact SC cell that the device computes (<see cref="IScProducts"/>) stays on its tensors, the bias or attention
/// scale applied in the device's decode.
/// Static activation quantizers use the layer operand's calibrated range.
/// </summary>
public sealed class PlanOperators : IDitOperators, IDisposable
{
    private readonly RecipePlan _plan;
    private readonly QuantizedWeights _weights;
    private readonly SmoothedWeights _smoothed;
    private readonly CalibrationStatistics? _statistics;
    private readonly ITensorBackend _backend;
    private readonly ScCellProducts _sc;
    private readonly IActivationFakeQuantizer _activations;
    private readonly ScDebugStatistics _debug = new();
    private readonly Dictionary<(TensorShape Shape, int Slot), Tensor> _scratch = new();

    /// <param name="seed">Key of the SC noise surrogate (<see cref="SurrogateSeed"/>).</param>
    /// <param name="device">Where tensors live and which recipe operations the device takes over (<see cref="IComputeDevice"/>).</param>
    public PlanOperators(RecipePlan plan, QuantizedWeights weights, SmoothedWeights smoothed, CalibrationStatistics? statistics, IComputeDevice device,
        ulong seed)
    {
        _plan = plan;
        _weights = weights;
        _smoothed = smoothed;
        _statistics = statistics;
        _backend = device.Tensors;
        _sc = new ScCellProducts(plan, seed, device.ScAccumulators ?? ScEngineAccumulators.Instance, device.ScSurrogate ?? ScEngineSurrogate.Instance,
            device.ScProducts);
        _activations = device.ActivationQuantizer ?? HostActivationFakeQuantizer.Instance;
    }

    /// <summary>The sampling step whose cells apply (0 = first, noisiest).</summary>
    public int Step { get; set; }

    /// <summary>Key of the SC noise surrogate's Philox streams; the runner sets it per chunk of samples.</summary>
    public ulong SurrogateSeed
    {
        get => _sc.Seed;
        set => _sc.Seed = value;
    }

    /// <summary>SC stream work spent so far.</summary>
    public ScComputeReport ScCompute => _sc.Compute();

    /// <summary>Errors of the debugged SC cells so far.</summary>
    public IReadOnlyList<ScDebugRecord> ScDebug => _debug.Records();

    private OpSetting Cell(LayerSite site) =>
        site.Block < 0 ? _plan.GetGlobal(Step, site.Operator) : _plan.Get(new QRecipe.Plan.Step(Step), new Block(site.Block), site.Operator);

    public void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output)
    {
        var cell = Cell(site);
        var layer = _smoothed.Quantizable(weights);
        var weight = _weights.For(layer, cell.Weights);
        var cols = weights.InFeatures;
        var rows = (int)(input.ElementCount / cols);
        input = Smoothed(input, weights.Name, rows, cols);
        if (!cell.Sc.Enabled)
        {
            _backend.Linear(Quantized(input, cell.Activations, rows, cols, site.Name, 0), weight, layer.Bias, output);
            return;
        }
        if (_sc.OnDevice(cell.Sc))
        {
            _sc.LinearOnDevice(cell.Sc, site, input, rows, weight, weights.OutFeatures, cols, layer.Bias, output);
            return;
        }
        var operand = cell.Sc.Noise is null ? input : Quantized(input, cell.Activations, rows, cols, site.Name, 0);
        _sc.Linear(cell.Sc, Step, site, operand.AsReadOnlySpan<float>(), rows, weight, weights.OutFeatures, cols, output.AsSpan<float>());
        if (cell.Sc.Debug)
            Debug(site, output, () => _backend.Linear(input, weight, null, output));
        AddBias(output.AsSpan<float>(), layer.Bias.AsReadOnlySpan<float>());
    }

    /// <summary>Fused only when both attention cells of this step are plain float (no activation quantizer, no SC),
    /// where it computes what <see cref="AttentionScores"/> and <see cref="AttentionValues"/> would.</summary>
    public bool TryFusedAttention(LayerSite scores, LayerSite values, Tensor qkv, int heads, float scale, Tensor merged) =>
        Plain(Cell(scores)) && Plain(Cell(values)) && _backend.TryFusedAttention(qkv, heads, scale, merged);

    private static bool Plain(OpSetting cell) => !cell.Sc.Enabled && cell.Activations.IsFloat;

    public void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores)
    {
        var cell = Cell(site);
        int slices = q.Shape[0] * q.Shape[1], tokens = q.Shape[2], headDim = q.Shape[3];
        if (!cell.Sc.Enabled)
        {
            var rows = slices * tokens;
            _backend.BatchedMatMul(Quantized(q, cell.Activations, rows, headDim, site.Name, 0), Quantized(k, cell.Activations, rows, headDim, site.Name, 1),
                scores, transposeB: true, alpha: scale);
            return;
        }
        if (_sc.OnDevice(cell.Sc))
        {
            _sc.AttentionOnDevice(cell.Sc, site, q, k, slices, q.Shape[1], tokens, tokens, headDim, scale, scores);
            return;
        }
        var (a, b) = cell.Sc.Noise is null
            ? (q, k)
            : (Quantized(q, cell.Activations, slices * tokens, headDim, site.Name, 0), Quantized(k, cell.Activations, slices * tokens, headDim, site.Name, 1));
        _sc.Attention(cell.Sc, Step, site, a.AsReadOnlySpan<float>(), b.AsReadOnlySpan<float>(), slices, q.Shape[1], tokens, tokens, headDim, scores.AsSpan<float>());
        Scale(scores.AsSpan<float>(), scale);
        if (cell.Sc.Debug)
            Debug(site, scores, () => _backend.BatchedMatMul(q, k, scores, transposeB: true, alpha: scale));
    }

    public void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output)
    {
        var cell = Cell(site);
        int slices = v.Shape[0] * v.Shape[1], tokens = v.Shape[2], headDim = v.Shape[3];
        if (!cell.Sc.Enabled)
        {
            _backend.BatchedMatMul(Quantized(probabilities, cell.Activations, slices * tokens, tokens, site.Name, 0),
                Quantized(v, cell.Activations, slices * tokens, headDim, site.Name, 1), output);
            return;
        }
        var (a, b) = cell.Sc.Noise is null
            ? (probabilities, v)
            : (Quantized(probabilities, cell.Activations, slices * tokens, tokens, site.Name, 0), Quantized(v, cell.Activations, slices * tokens, headDim, site.Name, 1));
        // SC multiplies a·bᵀ with both operands along the reduction axis: b is vᵀ per slice.
        var transposed = Scratch(new TensorShape(v.Shape[0], v.Shape[1], headDim, tokens), 2);
        _backend.TransposeLastTwo(b, transposed);
        if (_sc.OnDevice(cell.Sc))
        {
            _sc.AttentionOnDevice(cell.Sc, site, a, transposed, slices, v.Shape[1], tokens, headDim, tokens, 1f, output);
            return;
        }
        _sc.Attention(cell.Sc, Step, site, a.AsReadOnlySpan<float>(), transposed.AsReadOnlySpan<float>(), slices, v.Shape[1], tokens, headDim, tokens, output.AsSpan<float>());
        if (cell.Sc.Debug)
            Debug(site, output, () => _backend.BatchedMatMul(probabilities, v, output));
    }

    /// <summary>Records the SC result now in <paramref name="output"/> against the float product
    /// <paramref name="floatProduct"/> writes there, which then goes downstream.</summary>
    private void Debug(LayerSite site, Tensor output, Action floatProduct)
    {
        var sc = Scratch(output.Shape, 4);
        _backend.Copy(output, sc);
        floatProduct();
        _debug.Add(Step, site.Block, site.Operator, sc.AsReadOnlySpan<float>(), output.AsReadOnlySpan<float>());
    }

    /// <summary>x/s for a layer smoothed on the fly (a copy: the input is shared), else the input itself.</summary>
    private Tensor Smoothed(Tensor input, string layer, int rows, int cols)
    {
        if (_smoothed.OnTheFly(layer) is not { } s)
            return input;
        var divided = Scratch(input.Shape, 3);
        input.AsReadOnlySpan<float>().CopyTo(divided.AsSpan<float>());
        SmoothFolding.DivideColumns(divided.AsSpan<float>(), rows, cols, s);
        return divided;
    }

    /// <summary>The operand as the cell's activation quantizer leaves it: the tensor itself when it stays float,
    /// else a fake-quantized copy (the input is shared with other consumers and must not change).</summary>
    private Tensor Quantized(Tensor input, ActivationQuant setting, int rows, int cols, string layer, int operand)
    {
        if (setting.IsFloat)
            return input;
        var copy = Scratch(input.Shape, operand);
        var range = setting.Static ? _statistics?.Range(layer, operand) : null;
        _activations.FakeQuantize(input, copy, rows, cols, setting, range, $"{layer} step {Step}");
        return copy;
    }

    private Tensor Scratch(TensorShape shape, int slot)
    {
        if (!_scratch.TryGetValue((shape, slot), out var tensor))
        {
            tensor = Tensor.Empty(shape);
            _scratch[(shape, slot)] = tensor;
        }
        return tensor;
    }

    private static void AddBias(Span<float> output, ReadOnlySpan<float> bias)
    {
        for (var i = 0; i < output.Length; i++)
            output[i] += bias[i % bias.Length];
    }

    private static void Scale(Span<float> output, float scale)
    {
        for (var i = 0; i < output.Length; i++)
            output[i] *= scale;
    }

    public void Dispose()
    {
        foreach (var tensor in _scratch.Values)
            tensor.Dispose();
        _scratch.Clear();
    }
}
