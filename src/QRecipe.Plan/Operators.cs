using System;
using System.Collections.Generic;

namespace QRecipe.Plan;

/// <summary>Facts about operators: source names, which have weights or heads, and the operator groups.</summary>
public static class Operators
{
    /// <summary>Operators that exist in every block, in plan order.</summary>
    public static readonly IReadOnlyList<Operator> PerBlock =
        new[] { Operator.Qkv, Operator.Qk, Operator.Av, Operator.Proj, Operator.Fc1, Operator.Fc2, Operator.AdaLN };

    /// <summary>Operators that exist once per model.</summary>
    public static readonly IReadOnlyList<Operator> Global = new[] { Operator.Embed, Operator.Final };

    public static readonly IReadOnlyList<Operator> All =
        new[] { Operator.Qkv, Operator.Qk, Operator.Av, Operator.Proj, Operator.Fc1, Operator.Fc2, Operator.AdaLN, Operator.Embed, Operator.Final };

    public const int PerBlockCount = 7;

    /// <summary>Named groups. <c>linear</c> and <c>all</c> cover the block operators only: the embedders and the
    /// final layer stay as they are unless a rule names <c>embed</c> or <c>final</c> (as Q-DiT and DiTAS do).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<Operator>> Groups =
        new Dictionary<string, IReadOnlyList<Operator>>(StringComparer.Ordinal)
        {
            ["attn"] = new[] { Operator.Qkv, Operator.Qk, Operator.Av, Operator.Proj },
            ["mlp"] = new[] { Operator.Fc1, Operator.Fc2 },
            ["linear"] = new[] { Operator.Qkv, Operator.Proj, Operator.Fc1, Operator.Fc2, Operator.AdaLN },
            ["all"] = PerBlock,
        };

    public static string Name(Operator op) => op switch
    {
        Operator.Qkv => "qkv",
        Operator.Qk => "qk",
        Operator.Av => "av",
        Operator.Proj => "proj",
        Operator.Fc1 => "fc1",
        Operator.Fc2 => "fc2",
        Operator.AdaLN => "adaln",
        Operator.Embed => "embed",
        Operator.Final => "final",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    public static bool TryParse(string name, out Operator op)
    {
        foreach (var candidate in All)
        {
            if (Name(candidate) == name)
            {
                op = candidate;
                return true;
            }
        }
        op = default;
        return false;
    }

    /// <summary>Whether the operator multiplies by a weight matrix (the attention products do not).</summary>
    public static bool HasWeights(Operator op) => op is not (Operator.Qk or Operator.Av);

    /// <summary>Whether the operator is split into attention heads (per-head SC stream lengths apply).</summary>
    public static bool HasHeads(Operator op) => op is Operator.Qk or Operator.Av;

    public static bool IsPerBlock(Operator op) => op is not (Operator.Embed or Operator.Final);
}
