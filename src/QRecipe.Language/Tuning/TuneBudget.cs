using System.Globalization;

namespace QRecipe.Language.Tuning;

/// <summary>What a tune budget limits (docs/tune.md has the formulas).</summary>
public enum BudgetKind
{
    /// <summary>Average weight bits over the block weight layers, weighted by their parameter counts (float = 32).</summary>
    WeightBits,
    /// <summary>Bit operations per multiply-accumulate: MAC-weighted mean of weight bits × activation bits (float = 32).</summary>
    Bops,
    /// <summary>SC bit operations per SC multiply-accumulate: the MAC-weighted mean stream length of the SC cells.</summary>
    ScBitops,
    /// <summary>Bit operations as a share of a float run's (32 × 32 per MAC).</summary>
    FloatShare,
}

/// <summary>A budget as written: its kind and value; <see cref="IsPercent"/> for <c>sc-bitops 50%</c> (of full-length
/// streams) and <c>float-share 5%</c>.</summary>
public sealed record TuneBudget(BudgetKind Kind, double Value, bool IsPercent)
{
    public static string KindName(BudgetKind kind) => kind switch
    {
        BudgetKind.WeightBits => "wbits",
        BudgetKind.Bops => "bops",
        BudgetKind.ScBitops => "sc-bitops",
        _ => "float-share",
    };

    public static bool TryKind(string name, out BudgetKind kind)
    {
        (var ok, kind) = name switch
        {
            "wbits" => (true, BudgetKind.WeightBits),
            "bops" => (true, BudgetKind.Bops),
            "sc-bitops" => (true, BudgetKind.ScBitops),
            "float-share" => (true, BudgetKind.FloatShare),
            _ => (false, BudgetKind.WeightBits),
        };
        return ok;
    }

    /// <summary>Null when the value fits the kind, else the problem in words: wbits in [1, 32] and bops in (0, 1024] are
    /// plain numbers; sc-bitops is a percentage in (0, 100] or a stream length in [1, 32768]; float-share a percentage
    /// in (0, 100] or a fraction in (0, 1].</summary>
    public static string? Problem(BudgetKind kind, double value, bool percent)
    {
        var name = KindName(kind);
        string Shown() => value.ToString("0.######", CultureInfo.InvariantCulture) + (percent ? "%" : string.Empty);
        if (percent && kind is BudgetKind.WeightBits or BudgetKind.Bops)
            return $"{name} {Shown()}: this budget is a plain number, not a percentage";
        if (percent)
            return value > 0 && value <= 100 ? null : $"{name} {Shown()} is outside (0%, 100%]";
        return kind switch
        {
            BudgetKind.WeightBits when value is < 1 or > 32 => $"{name} {Shown()} is outside [1, 32] average weight bits",
            BudgetKind.Bops when value is <= 0 or > 1024 => $"{name} {Shown()} is outside (0, 1024] bit operations per MAC",
            BudgetKind.ScBitops when value is < 1 or > 32768 => $"{name} {Shown()} is outside [1, 32768] (a mean stream length), or give a percentage of full-length streams",
            BudgetKind.FloatShare when value is <= 0 or > 1 => $"{name} {Shown()} is outside (0, 1], or give a percentage",
            _ => null,
        };
    }

    public override string ToString() =>
        $"{KindName(Kind)} {Value.ToString("0.######", CultureInfo.InvariantCulture)}{(IsPercent ? "%" : string.Empty)}";
}
