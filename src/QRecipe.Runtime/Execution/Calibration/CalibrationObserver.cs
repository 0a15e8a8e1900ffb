using System;
using System.Collections.Generic;
using System.Threading;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.SecondOrder;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution.Calibration;

/// <summary>Which statistics one calibration pass collects.</summary>
[Flags]
public enum CalibrationKinds
{
    /// <summary>Channel maxima and α-search inputs (of the unsmoothed model: they choose s).</summary>
    Smoothing = 1,

    /// <summary>Static ranges and GPTQ Hessians (of the operand the quantizer will see, i.e. after smoothing).</summary>
    RangesAndHessians = 2,
}

/// <summary>
/// An <see cref="IDitOperators"/> decorator for the floating-point calibration run: at the selected steps it
/// observes the operand of every hooked product the plan needs statistics for, then computes the product in floating
/// point. With folded smoothing it runs the folded model (folded weights, fc2-style inputs divided by s), which
/// computes the same function, so ranges and Hessians describe what the quantizers will actually see.
/// </summary>
public sealed class CalibrationObserver : IDitOperators, IDisposable
{
    private readonly CalibrationNeeds _needs;
    private readonly CalibrationStatistics _statistics;
    private readonly CalibrationKinds _kinds;
    private readonly HashSet<int> _steps;
    private readonly int _calibratedSteps;
    private readonly SmoothedWeights _smoothed;
    private readonly FloatOperators _float;
    private readonly Dictionary<TensorShape, Tensor> _scratch = new();
    private readonly CancellationToken _cancellation;

    /// <param name="cancellation">Checked inside the Hessian update (a DiT-XL/2 fc2 update over a batch takes most of a
    /// minute on a small CPU).</param>
    public CalibrationObserver(CalibrationNeeds needs, CalibrationStatistics statistics, CalibrationKinds kinds, IReadOnlyCollection<int> steps,
        SmoothedWeights smoothed, FloatOperators floatOperators, CancellationToken cancellation = default)
    {
        _cancellation = cancellation;
        _needs = needs;
        _statistics = statistics;
        _kinds = kinds;
        _steps = new HashSet<int>(steps);
        _calibratedSteps = steps.Count;
        _smoothed = smoothed;
        _float = floatOperators;
    }

    /// <summary>The sampling step of the forward now running.</summary>
    public int Step { get; set; }

    private bool Observing => _steps.Contains(Step);

    public void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output)
    {
        var layer = _smoothed.Quantizable(weights);
        var operand = input;
        if (_smoothed.OnTheFly(weights.Name) is { } s)
        {
            operand = Scratch(input.Shape);
            input.AsReadOnlySpan<float>().CopyTo(operand.AsSpan<float>());
            var rows = (int)(input.ElementCount / weights.InFeatures);
            SmoothFolding.DivideColumns(operand.AsSpan<float>(), rows, weights.InFeatures, s);
        }
        if (Observing)
        {
            Observe(site, operand, 0);
            if (_kinds.HasFlag(CalibrationKinds.RangesAndHessians) && _needs.Hessian(site.Block, site.Operator))
            {
                if (!_statistics.Hessians.TryGetValue(weights.Name, out var hessian))
                    _statistics.Hessians[weights.Name] = hessian = new GptqStatistics(weights.InFeatures);
                var rows = (int)(operand.ElementCount / weights.InFeatures);
                hessian.Accumulate(operand.AsReadOnlySpan<float>(), rows, operand.Shape[0], $"{weights.Name} step {Step}", _cancellation);
            }
            if (_kinds.HasFlag(CalibrationKinds.Smoothing) && _needs.ChannelMax(site.Block, site.Operator))
                ObserveChannels(site, weights.Name, operand, weights.InFeatures);
        }
        _float.Linear(site, operand, layer, output);
    }

    public void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores)
    {
        if (Observing)
        {
            Observe(site, q, 0);
            Observe(site, k, 1);
        }
        _float.AttentionScores(site, q, k, scale, scores);
    }

    public void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output)
    {
        if (Observing)
        {
            Observe(site, probabilities, 0);
            Observe(site, v, 1);
        }
        _float.AttentionValues(site, probabilities, v, output);
    }

    /// <summary>Static ranges are per layer operand over all calibrated steps and batches (one EMA per layer, docs/quantization.md).</summary>
    private void Observe(LayerSite site, Tensor operand, int index)
    {
        if (!_kinds.HasFlag(CalibrationKinds.RangesAndHessians) || !_needs.StaticRange(site.Block, site.Operator))
            return;
        var key = CalibrationStatistics.OperandKey(site.Name, index);
        if (!_statistics.Ranges.TryGetValue(key, out var range))
            _statistics.Ranges[key] = range = new StaticRange();
        range.Observe(operand.AsReadOnlySpan<float>(), $"{site.Name} operand {index} step {Step}");
    }

    private void ObserveChannels(LayerSite site, string name, Tensor operand, int cols)
    {
        var rows = (int)(operand.ElementCount / cols);
        if (!_statistics.ChannelMaxima.TryGetValue(name, out var maxima))
            _statistics.ChannelMaxima[name] = maxima = new TemporalChannelMax(cols);
        maxima.Observe(Step, operand.AsReadOnlySpan<float>(), rows, name);
        if (!_needs.SearchInputs(site.Block, site.Operator))
            return;
        if (!_statistics.SearchInputs.TryGetValue(name, out var inputs))
            _statistics.SearchInputs[name] = inputs = new SearchInputs(cols, _calibratedSteps);
        inputs.Observe(Step, operand.AsReadOnlySpan<float>(), rows);
    }

    private Tensor Scratch(TensorShape shape)
    {
        if (!_scratch.TryGetValue(shape, out var tensor))
            _scratch[shape] = tensor = Tensor.Empty(shape);
        return tensor;
    }

    public void Dispose()
    {
        foreach (var tensor in _scratch.Values)
            tensor.Dispose();
        _scratch.Clear();
    }
}
