using System;
using QRecipe.Plan;

namespace QRecipe.Runtime.Sc;

/// <summary>Scope of the quantization scales (docs/sc-engine.md).</summary>
public enum ScGranularity
{
    PerTensor,
    PerRow,
    PerHead,
}

/// <summary>
/// Arguments of one SC matmul call, mirroring scmp's <c>sc_matmul</c> (docs/sc-engine.md). Null stream and grid mean the
/// defaults (2^p, or 2^(p-1) with <see cref="Halve"/> in bipolar mode).
/// </summary>
public sealed record ScOptions
{
    public int Precision { get; init; } = 8;
    public int? Stream { get; init; }
    public int? Grid { get; init; }
    public bool Halve { get; init; }
    public ScMode Mode { get; init; } = ScMode.Bipolar;
    public ScKernel Kernel { get; init; } = ScKernel.Enable;
    public ScScramble Scramble { get; init; } = ScScramble.Bitrev;
    public ulong ScrambleSeed { get; init; }
    public ScGranularity Granularity { get; init; } = ScGranularity.PerRow;
    /// <summary>scmp's chunk_d: the shared dimension is cut into chunks of this size, each with its own scales; 0 disables
    /// chunking.</summary>
    public int Chunk { get; init; }
    public int GroupA { get; init; } = 1;
    public int GroupB { get; init; } = 1;

    /// <summary>The kernel-level part of a plan cell; the stream is the cell's uniform stream length.</summary>
    public static ScOptions FromSetting(ScSetting setting, ScGranularity granularity) => new()
    {
        Precision = setting.Precision,
        Stream = setting.Stream,
        Halve = setting.Halve,
        Mode = setting.Mode,
        Kernel = setting.Kernel,
        Scramble = setting.Scramble,
        ScrambleSeed = unchecked((ulong)setting.ScrambleSeed),
        Granularity = granularity,
        Chunk = setting.Chunk,
    };

    /// <summary>Validates the options and resolves p, L, G and qmax.</summary>
    public ScGeometry Resolve()
    {
        if (Precision is < 1 or > 15)
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "SC precision p must lie in 1..15");
        var full = 1 << Precision;
        var halve = Halve && Mode == ScMode.Bipolar;
        var stream = Stream ?? (halve ? full / 2 : full);
        var grid = Grid ?? (halve ? full / 2 : full);
        if (stream < 1 || stream > full)
            throw new ArgumentOutOfRangeException(nameof(Stream), stream,
                $"SC stream length L must lie in 1..2^p = {full} (p = {Precision}); L > 2^p is not defined");
        if (grid < 1 || grid > full)
            throw new ArgumentOutOfRangeException(nameof(Grid), grid, $"SC enable grid G must lie in 1..2^p = {full}");
        if (Kernel == ScKernel.Xnor && Mode != ScMode.Bipolar)
            throw new ArgumentException("the XNOR kernel is bipolar; use the AND kernel for unipolar", nameof(Kernel));
        if (Kernel == ScKernel.And && Mode != ScMode.Unipolar)
            throw new ArgumentException("the AND kernel is unipolar; use the XNOR kernel for bipolar", nameof(Kernel));
        if (Kernel != ScKernel.Enable && grid != full)
            throw new ArgumentException($"the legacy {Kernel} kernel compares on the full 2^p grid; grid {grid} is not supported",
                nameof(Grid));
        if (Chunk < 0)
            throw new ArgumentOutOfRangeException(nameof(Chunk), Chunk, "chunk_d must be 0 (off) or positive");
        if (Chunk > 0 && (Granularity != ScGranularity.PerRow || Mode != ScMode.Bipolar))
            throw new ArgumentException("chunk_d needs per_row granularity and bipolar mode", nameof(Chunk));
        if (Granularity == ScGranularity.PerHead && Mode != ScMode.Bipolar)
            throw new ArgumentException("per_head granularity needs bipolar mode", nameof(Granularity));
        if (GroupA < 1 || GroupB < 1)
            throw new ArgumentOutOfRangeException(GroupA < 1 ? nameof(GroupA) : nameof(GroupB), Math.Min(GroupA, GroupB),
                "row groups must be at least 1");
        var qmax = Mode == ScMode.Bipolar ? (1 << (Precision - 1)) - 1 : full - 1;
        if (qmax == 0)
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "bipolar SC needs p >= 2 (qmax = 2^(p-1) - 1 = 0 at p = 1)");
        return new ScGeometry(Precision, stream, grid, qmax, Scramble, ScrambleSeed, Kernel);
    }
}

/// <summary>Resolved SC parameters: precision p, stream length L, enable grid G, integer range qmax, scramble, and the
/// kernel, which decides the streams' sequences (<see cref="ScSequences.Prepare"/>) and what a stream stands for.</summary>
public readonly record struct ScGeometry(int P, int L, int G, int QMax, ScScramble Scramble, ulong ScrambleSeed, ScKernel Kernel)
{
    public int Full => 1 << P;

    /// <summary>The integer a stream of all ones stands for: qmax for the enable kernel, whose boundaries map |x| = qmax
    /// onto G; 2^(p−1) for XNOR and 2^p for AND, whose thresholds are the integers themselves
    /// (<see cref="BitstreamKernel.Threshold"/>), so that their expected counts decode to x_a·x_b exactly.</summary>
    public int StreamUnit => Kernel switch
    {
        ScKernel.Xnor => 1 << (P - 1),
        ScKernel.And => 1 << P,
        _ => QMax,
    };

    /// <summary>Decode factor unit²/L in fp32 (the actual L, not 2^p; the unit is qmax for the enable kernel).</summary>
    public float DecodeFactor => (float)((double)StreamUnit * StreamUnit / L);
}
