using System;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution;

/// <summary>
/// Runs every product twice on the same inputs, as the recipe says and in floating point, passes the recipe's result
/// on and accumulates the relative L2 error of each (step, block, operator) output. This is the local error of each
/// operator; the end-to-end error is the distance between the recipe's and the float model's final latents. With
/// smoothing the reference is the folded model's layer in floating point (the same function, but e.g. qkv's V rows
/// and adaLN's shift/scale rows carry the folded factors, so the recipe's outputs must be compared with those).
/// </summary>
public sealed class FidelityOperators : IDitOperators, IDisposable
{
    private readonly RecipePlan _plan;
    private readonly PlanOperators _recipe;
    private readonly FloatOperators _float;
    private readonly SmoothedWeights _smoothed;
    private readonly double[] _squaredError;
    private readonly double[] _squaredReference;
    private readonly Dictionary<TensorShape, Tensor> _reference = new();

    public FidelityOperators(RecipePlan plan, PlanOperators recipe, FloatOperators floatOperators, SmoothedWeights smoothed)
    {
        _smoothed = smoothed;
        _plan = plan;
        _recipe = recipe;
        _float = floatOperators;
        _squaredError = new double[plan.Steps * plan.SlotsPerStep];
        _squaredReference = new double[plan.Steps * plan.SlotsPerStep];
    }

    public int Step
    {
        get => _recipe.Step;
        set => _recipe.Step = value;
    }

    /// <summary>The errors measured so far.</summary>
    public OperatorErrors Errors()
    {
        var values = new double[_squaredError.Length];
        for (var i = 0; i < values.Length; i++)
            values[i] = _squaredReference[i] == 0 ? double.NaN : Math.Sqrt(_squaredError[i] / _squaredReference[i]);
        return new OperatorErrors(_plan, values);
    }

    public void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output)
    {
        var reference = Reference(output.Shape);
        _float.Linear(site, input, _smoothed.Folded(weights), reference);
        _recipe.Linear(site, input, weights, output);
        Accumulate(site, reference, output);
    }

    public void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores)
    {
        var reference = Reference(scores.Shape);
        _float.AttentionScores(site, q, k, scale, reference);
        _recipe.AttentionScores(site, q, k, scale, scores);
        Accumulate(site, reference, scores);
    }

    public void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output)
    {
        var reference = Reference(output.Shape);
        _float.AttentionValues(site, probabilities, v, reference);
        _recipe.AttentionValues(site, probabilities, v, output);
        Accumulate(site, reference, output);
    }

    private void Accumulate(LayerSite site, Tensor reference, Tensor actual)
    {
        var i = _recipe.Step * _plan.SlotsPerStep + _plan.Slot(Math.Max(0, site.Block), site.Operator);
        var expected = reference.AsReadOnlySpan<float>();
        var got = actual.AsReadOnlySpan<float>();
        double error = 0, norm = 0;
        for (var j = 0; j < expected.Length; j++)
        {
            double e = expected[j], d = got[j] - e;
            error += d * d;
            norm += e * e;
        }
        _squaredError[i] += error;
        _squaredReference[i] += norm;
    }

    private Tensor Reference(TensorShape shape)
    {
        if (!_reference.TryGetValue(shape, out var tensor))
        {
            tensor = Tensor.Empty(shape);
            _reference[shape] = tensor;
        }
        return tensor;
    }

    public void Dispose()
    {
        foreach (var tensor in _reference.Values)
            tensor.Dispose();
        _reference.Clear();
    }
}
