using System.Globalization;
using System.Text.Json;

namespace QRecipe.Cli.Run;

/// <summary>
/// Numbers in run reports. JSON has no NaN or infinity (System.Text.Json refuses to write them), so report.json writes
/// a number that is not finite as null, as JavaScript's JSON.stringify does; report.md and the printed summary show it
/// as "—". Either way it means "no finite value": an error against a zero reference, a measurement that overflowed.
/// </summary>
internal static class ReportNumbers
{
    public const string Missing = "—";

    /// <summary>The property <paramref name="name"/> (or an array element when null) with the value or null.</summary>
    public static void Write(Utf8JsonWriter json, string? name, double value)
    {
        if (name is not null)
            json.WritePropertyName(name);
        if (double.IsFinite(value))
            json.WriteNumberValue(value);
        else
            json.WriteNullValue();
    }

    /// <summary>The value in <paramref name="format"/> (invariant culture), or "—".</summary>
    public static string Text(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : Missing;
}
