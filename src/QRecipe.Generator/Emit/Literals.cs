using System;
using System.Globalization;

namespace QRecipe.Generator.Emit;

/// <summary>C# literals of numbers, booleans and enums, culture-invariant so the output does not depend on the build
/// machine's locale. Strings are literals of outside text and live in <see cref="Escaping"/>.</summary>
internal static class Literals
{
    public const string PlanNamespace = "global::QRecipe.Plan.";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A literal that reads back as exactly <paramref name="value"/>: generated and run-time plans must be
    /// equal bit for bit. "R" is not always round-trip on .NET Framework (the compiler host in Visual Studio),
    /// so fall back to 17 significant digits there.</summary>
    public static string Double(double value)
    {
        if (double.IsNaN(value))
            return "double.NaN";
        if (double.IsInfinity(value))
            return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (double.Parse(text, CultureInfo.InvariantCulture) != value)
            text = value.ToString("G17", CultureInfo.InvariantCulture);
        return text + "D";
    }

    public static string Enum<T>(T value) where T : struct, Enum => PlanNamespace + typeof(T).Name + "." + value;
}
