using System;

namespace QRecipe.Runtime.Quantization;

/// <summary>Argument checks shared by the quantizers, each throwing <see cref="QuantizationException"/>.</summary>
internal static class QuantGuard
{
    public const int MinBits = 2;
    public const int MaxWeightBits = 8;
    public const int MaxActivationBits = 16;

    public static void Bits(string layer, int bits, int max)
    {
        if (bits < MinBits || bits > max)
            throw new QuantizationException(layer, $"bits {bits} out of range [{MinBits}, {max}]");
    }

    public static void Shape(string layer, int length, int rows, int cols)
    {
        if (rows <= 0 || cols <= 0)
            throw new QuantizationException(layer, $"shape [{rows}, {cols}] must be positive");
        if ((long)rows * cols != length)
            throw new QuantizationException(layer, $"{length} values do not form a [{rows}, {cols}] matrix");
    }

    public static void GroupDivides(string layer, int groupSize, int cols)
    {
        if (groupSize <= 0 || cols % groupSize != 0)
            throw new QuantizationException(layer, $"group size {groupSize} does not divide the {cols} input columns");
    }

    /// <summary>Throws at the first NaN or infinity, naming its (row, column).</summary>
    public static void Finite(string layer, string what, ReadOnlySpan<float> values, int cols)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new QuantizationException(layer, $"{what} [{i / cols}, {i % cols}] is {values[i]}");
        }
    }
}
