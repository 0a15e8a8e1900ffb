using System.Collections.Generic;
using QRecipe.Plan;

namespace QRecipe.Interop.Scmp;

/// <summary>One operator entry of scmp's SCPrecisionMap (docs/interop.md).</summary>
public sealed record ScmpOperator(bool Enabled, int StocLen, double Timewise, IReadOnlyList<int>? GroupStocLens);

/// <summary>scmp's SCPrecisionMap: per block, per operator SC enable, stream length, timewise fraction and
/// per-group/per-head lengths.</summary>
public sealed record ScmpMap(int TotalBlocks, int DefaultStocLen, double DefaultTimewise, IReadOnlyList<IReadOnlyDictionary<string, ScmpOperator>> Blocks)
{
    /// <summary>scmp operator keys, in the order the map lists them, and the operator each stands for.</summary>
    public static readonly IReadOnlyList<(string Key, Operator Operator)> Keys = new[]
    {
        ("qk", Operator.Qk),
        ("av", Operator.Av),
        ("proj", Operator.Proj),
        ("mlp_fc1", Operator.Fc1),
        ("mlp_fc2", Operator.Fc2),
        ("input_proj", Operator.Qkv),
    };

    /// <summary>Dataclass defaults scmp uses for a field an operator object omits (not the map-level defaults).</summary>
    public const int FieldDefaultStocLen = 256;
    public const double FieldDefaultTimewise = 0.0;

    /// <summary>The entry of an operator in a block; a block the list does not reach, or an operator the block
    /// omits, is disabled (scmp's loader leaves it at the map defaults, which are disabled).</summary>
    public ScmpOperator? Find(int block, string key) =>
        block < Blocks.Count && Blocks[block].TryGetValue(key, out var entry) ? entry : null;

    /// <summary>How many of <paramref name="steps"/> sampling steps an entry runs in SC: the first
    /// ⌊timewise·T⌋, computed in binary64 exactly as the Python pipeline does.</summary>
    public static int ScSteps(ScmpOperator entry, int steps) =>
        entry.Enabled ? (int)System.Math.Floor(entry.Timewise * steps) : 0;
}
