using System;

namespace QRecipe.Plan;

/// <summary>The stream combination kernel (docs/sc-engine.md).</summary>
public enum ScKernel
{
    /// <summary>Enable-signal product on magnitudes (the scmp HEAD kernel); bipolar or unipolar.</summary>
    Enable,
    /// <summary>Legacy bipolar XNOR bitstream kernel.</summary>
    Xnor,
    /// <summary>Legacy unipolar AND bitstream kernel.</summary>
    And,
}

/// <summary>Per-dimension scrambling of the Sobol sequences (docs/sc-engine.md, "Semantics implemented").</summary>
public enum ScScramble
{
    Bitrev,
    Counter,
    Off,
    /// <summary>Seeded random XOR masks from our own documented generator.</summary>
    Random,
}

/// <summary>Bipolar (symmetric operands) or unipolar (asymmetric operands) SC encoding.</summary>
public enum ScMode
{
    Bipolar,
    Unipolar,
}

/// <summary>Gaussian noise surrogate coefficients (docs/sc-engine.md): c for per-row/per-head scaled products
/// (local) and for per-tensor scaled products (global).</summary>
public sealed record NoiseModel(double Local, double Global)
{
    public const double DefaultLocal = 0.15;
    public const double DefaultGlobal = 0.60;
}

/// <summary>Dynamic mixed precision: rows (tokens, heads) are classified by the operator's metric into
/// <c>Levels</c>. With <c>Fractions</c> (quantile classes) the first <c>Fractions[0]</c> of the rows ranked by metric get
/// <c>Levels[0]</c>, and so on; with <see cref="Adaptive"/> (and no fractions) the metric is min-max normalised and
/// compared with a per-step threshold (docs/sc-engine.md). A level of 0 prunes rows.</summary>
public sealed record MixedPrecision(EquatableArray<int> Levels, EquatableArray<double> Fractions, AdaptiveThreshold? Adaptive = null)
{
    /// <summary>The stream a ranked unit (row, head slice) runs at: its level, capped by the stream the unit has
    /// without mixed precision (its head's, its output-row group's or the cell's). A level never lengthens a unit,
    /// and 0 on either side prunes it. The runtime and the static budget both apply this rule.</summary>
    public static int Capped(int level, int ownStream) => Math.Min(level, ownStream);

    /// <summary>Expected stream length of a unit whose own stream is <paramref name="ownStream"/>: each level, capped,
    /// in its fraction of the units. Adaptive classes depend on the data, so for them this is the upper bound: every
    /// unit at the longest level.</summary>
    public double MeanStream(int ownStream)
    {
        if (Adaptive is not null)
            return Capped(Levels[0], ownStream);
        var sum = 0.0;
        for (var i = 0; i < Levels.Count; i++)
            sum += Capped(Levels[i], ownStream) * Fractions[i];
        return sum;
    }
}

/// <summary>
/// Stochastic-computing setting of one (step, block, operator) cell. When <see cref="Enabled"/> is false the
/// operator runs as an ordinary (possibly fake-quantized) product and the other members are irrelevant.
/// <see cref="HeadStreams"/> holds one stream length per head (qk, av) and <see cref="GroupStreams"/> one per
/// output-row group (linear operators); both are empty when the stream is uniform. A length of 0 prunes.
/// <see cref="Range"/> gives a weight operator's output-row groups their lengths from the weight's ranges at run time.
/// </summary>
public sealed record ScSetting(
    bool Enabled,
    int Precision,
    int Stream,
    EquatableArray<int> HeadStreams,
    EquatableArray<int> GroupStreams,
    MixedPrecision? MixedPrecision,
    ScKernel Kernel,
    ScScramble Scramble,
    long ScrambleSeed,
    ScMode Mode,
    bool Halve,
    int Chunk,
    NoiseModel? Noise,
    bool Debug,
    RangeMixedPrecision? Range = null)
{
    public static readonly ScSetting Off = new(
        false, 0, 0, EquatableArray<int>.Empty, EquatableArray<int>.Empty, null,
        ScKernel.Enable, ScScramble.Bitrev, 0, ScMode.Bipolar, false, 0, null, false);

    /// <summary>Full stream length of the kernel grid, 2^precision.</summary>
    public int FullStream => 1 << Precision;

    /// <summary>Stream length of one head (qk, av) taking per-head lengths into account.</summary>
    public int StreamOfHead(int head) => HeadStreams.IsEmpty ? Stream : HeadStreams[head];

    /// <summary>Whether <see cref="MeanStream"/> is an upper bound rather than the expected figure: adaptive and range
    /// mixed precision are decided by the data (the activations at each step, the weights at run time).</summary>
    public bool MeanStreamIsBound => Enabled && (Range is not null || MixedPrecision?.Adaptive is not null);

    /// <summary>Mean stream length over heads or output-row groups (the figure budgets use). With mixed precision
    /// each head or group takes the levels capped at its own stream (<see cref="Plan.MixedPrecision.Capped"/>), as
    /// if every head and group got the levels in their fractions; the run ranks units by data, so a run whose
    /// high-metric rows gather in the heads with longer streams measures a little more, and the reverse less.
    /// With range mixed precision every group is counted at the longest range level (capped at the cell's stream),
    /// and adaptive classes at the longest level (<see cref="MeanStreamIsBound"/>).</summary>
    public double MeanStream
    {
        get
        {
            if (!Enabled)
                return 0;
            var lengths = !HeadStreams.IsEmpty ? HeadStreams : GroupStreams;
            if (lengths.IsEmpty)
            {
                var own = Range is null ? Stream : Plan.MixedPrecision.Capped(Range.Levels[0], Stream);
                return MixedPrecision?.MeanStream(own) ?? own;
            }
            var sum = 0.0;
            foreach (var length in lengths)
                sum += MixedPrecision?.MeanStream(length) ?? length;
            return sum / lengths.Count;
        }
    }
}
