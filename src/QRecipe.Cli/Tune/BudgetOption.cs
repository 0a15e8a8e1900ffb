using System.Globalization;
using QRecipe.Language.Tuning;

namespace QRecipe.Cli.Tune;

/// <summary><c>--budget KIND=VALUE</c>: <c>wbits=4.5</c>, <c>bops=32</c>, <c>sc-bitops=50%</c>, <c>float-share=5%</c>.</summary>
internal static class BudgetOption
{
    /// <summary>The budget, or null with one line saying what is wrong.</summary>
    public static TuneBudget? Parse(string text, out string? problem)
    {
        problem = null;
        var equals = text.IndexOf('=');
        var kindText = equals < 0 ? text : text[..equals];
        if (!TuneBudget.TryKind(kindText, out var kind))
        {
            problem = $"--budget {text}: unknown budget kind '{kindText}'; the kinds are wbits, bops, sc-bitops, float-share (e.g. --budget wbits=4.5)";
            return null;
        }
        var valueText = equals < 0 ? string.Empty : text[(equals + 1)..];
        var percent = valueText.EndsWith('%');
        if (!double.TryParse(percent ? valueText[..^1] : valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            problem = $"--budget {text}: expected {kindText}=NUMBER or {kindText}=PERCENT% (e.g. --budget {kindText}={(kind is BudgetKind.ScBitops or BudgetKind.FloatShare ? "50%" : "4.5")})";
            return null;
        }
        if (TuneBudget.Problem(kind, value, percent) is { } reason)
        {
            problem = "--budget " + reason;
            return null;
        }
        return new TuneBudget(kind, value, percent);
    }
}
