using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.MixedPrecision;
using QRecipe.Runtime.Sc.Surrogate;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution;

/// <summary>
/// The SC product of one plan cell, with the SC engine, and its stream work booked per operator.
/// <list type="bullet">
/// <item>Stream lengths: the cell's stream; per head for qk/av; per output-row group for linear layers (N equal groups
/// of consecutive weight rows, so qkv's groups are the Q, K and V parts in order).</item>
/// <item>Dynamic mixed precision (docs/sc-engine.md): the units of the call (linear: token rows ranked by
/// max |x|; qk: (sample, head) slices by max |Q|; av: rows of the attention matrix by their largest probability) are
/// ranked over the whole call and given the cell's levels by its fractions. A unit's length is min(its level, its
/// own head, group or uniform stream); 0 prunes it (outputs 0). Adaptive cells classify by the step's threshold instead
/// of fractions.</item>
/// <item>Range mixed precision: a linear cell's output-row groups take lengths from the weight's ranges, once per weight.</item>
/// <item>With a noise model the Gaussian surrogate replaces exact simulation at the same lengths, keyed with
/// <see cref="Seed"/> (the chunk's key, <see cref="SampleStreams.ChunkSeed"/>) and, per call, Philox stream 2^63 + (step × slots per step + slot of (block, operator)) × 2^24 (+ sub-call),
/// disjoint from the sampler's streams.</item>
/// </list>
/// Products are a·bᵀ without bias or attention scale, except on the device, which applies them in its decode. An exact
/// cell the run's <see cref="IScProducts"/> computes runs there on the tensors (<see cref="OnDevice"/>); another gets
/// its integer accumulators from the run's <see cref="IScAccumulators"/>, and the surrogate's products come from the
/// run's <see cref="IScSurrogate"/> (the CPU engine by default, a GPU with <c>run --device cuda</c>).
/// </summary>
internal sealed class ScCellProducts
{
    private readonly RecipePlan _plan;
    private readonly IScAccumulators _accumulators;
    private readonly IScSurrogate _surrogate;
    private readonly IScProducts? _products;
    private readonly ScComputeLedger _ledger = new();
    private readonly Dictionary<Tensor, float[]> _weightScales = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, ScPreparedOperand> _preparedWeights = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, (int[] Streams, IReadOnlyList<ScColumnGroup> Groups)> _preparedGroups = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(Tensor Weight, RangeMixedPrecision Range), int[]> _rangeStreams = new(new WeightAndRule());

    public ScCellProducts(RecipePlan plan, ulong seed, IScAccumulators accumulators, IScSurrogate surrogate, IScProducts? products = null)
    {
        _products = products;
        _surrogate = surrogate;
        _plan = plan;
        Seed = seed;
        _accumulators = accumulators;
    }

    /// <summary>The key of the surrogate's noise; the runner sets it per chunk of samples.</summary>
    public ulong Seed { get; set; }

    public ScComputeReport Compute() => _ledger.Report();

    /// <summary>Whether the cell's products run whole on the device's tensors (exact, a setting the device computes).</summary>
    public bool OnDevice(ScSetting sc) => sc.Noise is null && _products is not null && _products.Declines(sc) is null;

    /// <summary><see cref="Linear"/> on the device (<see cref="OnDevice"/>), the bias added there.</summary>
    public void LinearOnDevice(ScSetting sc, LayerSite site, Tensor x, int rows, Tensor weight, int outFeatures, int cols, Tensor bias, Tensor output)
    {
        Book(sc, site.Operator, Enumerable.Repeat(sc.Stream, rows).ToArray(), null, outFeatures, cols);
        _products!.Multiply(x, weight, 1, rows, outFeatures, cols, sc, [sc.Stream], 1f, bias, output);
    }

    /// <summary><see cref="Attention"/> on the device (<see cref="OnDevice"/>), each slice at its head's stream length,
    /// the outputs scaled by <paramref name="alpha"/> there.</summary>
    public void AttentionOnDevice(ScSetting sc, LayerSite site, Tensor a, Tensor b, int slices, int heads, int n, int m, int d, float alpha, Tensor output)
    {
        var sliceStreams = Enumerable.Range(0, slices).Select(s => sc.StreamOfHead(s % heads)).ToArray();
        Book(sc, site.Operator, sliceStreams.SelectMany(stream => Enumerable.Repeat(stream, n)).ToArray(), null, m, d);
        _products!.Multiply(a, b, slices, n, m, d, sc, sliceStreams, alpha, null, output);
    }

    /// <summary>x (rows × cols) times wᵀ (w: outFeatures × cols), per-row scales, into <paramref name="destination"/>.</summary>
    public void Linear(ScSetting sc, int step, LayerSite site, ReadOnlySpan<float> x, int rows, Tensor weight, int outFeatures, int cols,
        Span<float> destination)
    {
        var rowStreams = Enumerable.Repeat(sc.Stream, rows).ToArray();
        if (sc.MixedPrecision is { } mp)
            Cap(rowStreams, Levels(mp, ScMetrics.MaxAbs(x, rows, cols), step));
        var groupStreams = sc.Range is { } range
            ? RangeStreams(range, weight, outFeatures, cols).Select(level => MixedPrecision.Capped(level, sc.Stream)).ToArray()
            : sc.GroupStreams.ToArray();
        var groupSize = groupStreams.Length == 0 ? 0 : outFeatures / groupStreams.Length;
        var columnStreams = groupStreams.Length == 0 ? null : Enumerable.Range(0, outFeatures).Select(j => groupStreams[j / groupSize]).ToArray();
        Book(sc, site.Operator, rowStreams, columnStreams, outFeatures, cols);
        var options = ScOptions.FromSetting(sc, ScGranularity.PerRow);
        if (sc.Noise is { } noise)
            ScSurrogateProducts.Multiply(_surrogate, x, rows, weight, WeightScales(weight, outFeatures, cols), outFeatures, cols, rowStreams,
                columnStreams, noise, sc.Mode, Seed, StreamBase(step, site)).CopyTo(destination);
        else if (sc.MixedPrecision is null && groupStreams.Length == 0)
            ScMatmul.MultiplyInto(x, rows, PreparedWeight(weight, outFeatures, cols, options), options, destination, _accumulators);
        else if (groupStreams.Length == 0)
            ScMixedPrecision.MultiplyInto(x, rows, PreparedWeight(weight, outFeatures, cols, options), options, rowStreams, destination, _accumulators);
        else
            ScMixedPrecision.MultiplyInto(x, rows, cols, PreparedGroups(weight, outFeatures, cols, options, groupStreams, groupSize),
                outFeatures, options, rowStreams, destination, _accumulators);
    }

    /// <summary>Per slice (sample × head): a (n × d) times bᵀ (b: m × d), per-row scales, into
    /// <paramref name="destination"/>; qk ranks heads, av rows.</summary>
    public void Attention(ScSetting sc, int step, LayerSite site, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int slices, int heads, int n, int m, int d,
        Span<float> destination)
    {
        var rowStreams = new int[slices * n];
        for (var s = 0; s < slices; s++)
            rowStreams.AsSpan(s * n, n).Fill(sc.StreamOfHead(s % heads));
        var perRow = false;
        if (sc.MixedPrecision is { } mp && site.Operator == Operator.Qk)
        {
            var levels = Levels(mp, ScMetrics.MaxAbs(a, slices * n, d, rowsPerUnit: n), step);
            Cap(rowStreams, Enumerable.Range(0, slices * n).Select(r => levels[r / n]).ToArray());
        }
        else if (sc.MixedPrecision is { } rowMp)
        {
            Cap(rowStreams, Levels(rowMp, ScMetrics.RowMax(a, slices * n, d), step));
            perRow = true;
        }
        Book(sc, site.Operator, rowStreams, null, m, d);
        if (sc.Noise is { } noise)
        {
            ScSurrogateProducts.MultiplyBatched(_surrogate, a, b, slices, n, m, d, rowStreams, noise, sc.Mode, Seed, StreamBase(step, site))
                .CopyTo(destination);
            return;
        }
        var options = ScOptions.FromSetting(sc, ScGranularity.PerRow);
        if (sc.MixedPrecision is null && sc.HeadStreams.IsEmpty)
        {
            ScMatmul.MultiplyBatchedInto(a, b, slices, n, m, d, options, destination, accumulators: _accumulators);
            return;
        }
        if (!perRow)
        {
            var sliceStreams = Enumerable.Range(0, slices).Select(s => rowStreams[s * n]).ToArray();
            ScMixedPrecision.MultiplyPerHead(a, b, slices, n, m, d, options, sliceStreams, _accumulators).Output.CopyTo(destination);
            return;
        }
        // Per-row lengths within a slice: the 2-D per-row product of each slice equals its 3-D slice.
        for (var s = 0; s < slices; s++)
        {
            ScMixedPrecision.Multiply(a.Slice(s * n * d, n * d), n, b.Slice(s * m * d, m * d), m, d, options, rowStreams.AsSpan(s * n, n),
                    accumulators: _accumulators).Output.CopyTo(destination.Slice(s * n * m, n * m));
        }
    }

    /// <summary>The surrogate's per-row abs-max of a weight, once per weight tensor (weights are static during a run).</summary>
    private float[] WeightScales(Tensor weight, int outFeatures, int cols)
    {
        if (!_weightScales.TryGetValue(weight, out var scales))
            _weightScales[weight] = scales = ScNoiseSurrogate.RowScales(weight.AsReadOnlySpan<float>(), outFeatures, cols);
        return scales;
    }

    /// <summary>The weight's SC codes and row-table entries, once per weight tensor and quantization (every stream
    /// length shares them); a cell that quantizes the weight differently replaces them.</summary>
    private ScPreparedOperand PreparedWeight(Tensor weight, int outFeatures, int cols, ScOptions options)
    {
        if (!_preparedWeights.TryGetValue(weight, out var prepared) || !prepared.Fits(options))
            _preparedWeights[weight] = prepared = ScPreparedOperand.Prepare(weight.AsReadOnlySpan<float>(), outFeatures, cols, options, _accumulators);
        return prepared;
    }

    /// <summary>The weight's rows grouped by stream length and prepared, once per weight tensor, quantization and
    /// grouping.</summary>
    private IReadOnlyList<ScColumnGroup> PreparedGroups(Tensor weight, int outFeatures, int cols, ScOptions options, int[] groupStreams, int groupSize)
    {
        if (_preparedGroups.TryGetValue(weight, out var cached) && cached.Streams.AsSpan().SequenceEqual(groupStreams)
            && cached.Groups.All(g => g.B is null || g.B.Fits(options)))
            return cached.Groups;
        var groups = ScMixedPrecision.PrepareColumnGroups(weight.AsReadOnlySpan<float>(), outFeatures, cols, options, groupStreams, groupSize, _accumulators);
        _preparedGroups[weight] = (groupStreams, groups);
        return groups;
    }

    /// <summary>Each unit's level: quantile classes by the cell's fractions, or adaptive classes under the step's
    /// threshold.</summary>
    private int[] Levels(MixedPrecision mp, float[] metric, int step)
    {
        var classes = mp.Adaptive is { } adaptive
            ? ScRowClassifier.ClassifyByThreshold(metric, adaptive.At(step, _plan.Steps), mp.Levels.Count)
            : ScRowClassifier.ClassifyRows(metric, mp.Fractions.ToArray());
        return classes.Select(level => mp.Levels[level]).ToArray();
    }

    /// <summary>A weight's output-row group levels under range mixed precision, once per weight tensor and rule
    /// (weights are static during a run); the caller caps them at the cell's stream.</summary>
    private int[] RangeStreams(RangeMixedPrecision range, Tensor weight, int outFeatures, int cols)
    {
        if (!_rangeStreams.TryGetValue((weight, range), out var streams))
        {
            _rangeStreams[(weight, range)] = streams = ScRowClassifier.ClassifyGroupsByRange(weight.AsReadOnlySpan<float>(), outFeatures, cols,
                range.GroupSize, range.Levels.ToArray(), range.Threshold);
        }
        return streams;
    }

    /// <summary>Each unit at its level capped by its own stream: the plan's rule, which the static budget applies too.</summary>
    private static void Cap(int[] streams, int[] levels)
    {
        for (var i = 0; i < streams.Length; i++)
            streams[i] = MixedPrecision.Capped(levels[i], streams[i]);
    }

    /// <summary>Σ rows × outputs × D × min(row, column stream) against the same at 2^p.</summary>
    private void Book(ScSetting sc, Operator op, int[] rowStreams, int[]? columnStreams, int m, int d)
    {
        long actual = 0;
        if (columnStreams is null)
        {
            foreach (var stream in rowStreams)
                actual += stream;
            actual *= (long)m * d;
        }
        else
        {
            foreach (var group in columnStreams.GroupBy(c => c))
            {
                long sum = 0;
                foreach (var stream in rowStreams)
                    sum += Math.Min(stream, group.Key);
                actual += sum * group.Count() * d;
            }
        }
        _ledger.Add(op, actual, (long)rowStreams.Length * m * d * sc.FullStream);
    }

    private ulong StreamBase(int step, LayerSite site) =>
        (1UL << 63) | ((ulong)(step * _plan.SlotsPerStep + _plan.Slot(site.Block, site.Operator)) << 24);

    /// <summary>Weights by reference (tensors have no value equality), rules by value.</summary>
    private sealed class WeightAndRule : IEqualityComparer<(Tensor Weight, RangeMixedPrecision Range)>
    {
        public bool Equals((Tensor Weight, RangeMixedPrecision Range) x, (Tensor Weight, RangeMixedPrecision Range) y) =>
            ReferenceEquals(x.Weight, y.Weight) && x.Range.Equals(y.Range);

        public int GetHashCode((Tensor Weight, RangeMixedPrecision Range) key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.Weight), key.Range);
    }
}
