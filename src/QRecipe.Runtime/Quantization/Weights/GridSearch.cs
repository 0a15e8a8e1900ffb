using System;

namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>Clip-factor searches that pick one grid per group by the smallest mean |x − q(x)|^2.4
/// (strictly smaller wins, so ties keep the earlier factor).</summary>
internal static class GridSearch
{
    private const double ErrorPower = 2.4;

    /// <summary>Q-DiT "mse" (docs/quantization.md): factors f_i = 1 − 0.001·i, i = 0..99, on the "max" grid.</summary>
    public static UniformGrid QDitMse(ReadOnlySpan<float> group, int bits, bool symmetric)
    {
        UniformKernels.MinMax(group, out var min, out var max);
        var best = UniformGrid.QDit(min, max, bits, symmetric);
        var bestScore = Score(group, best);
        for (var i = 1; i < 100; i++)
        {
            var candidate = UniformGrid.QDit(min, max, bits, symmetric, (float)(1.0 - 0.001 * i));
            var score = Score(group, candidate);
            if (score < bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>Qua2SeDiMo UAQ (docs/quantization.md): factors 1.0, 0.9, …, 0.1 on [min, max]. Asymmetric:
    /// step = (max′ − min′)/(2^b − 1), zero = round(−min′/step) (not clamped), codes clamped to [0, 2^b − 1].
    /// Symmetric (zero forced to 0): the Q-DiT signed grid on the shrunk abs-max. A flat range is floored at 1e-5
    /// (the reference would divide by zero).</summary>
    public static UniformGrid Uaq(ReadOnlySpan<float> group, int bits, bool symmetric)
    {
        UniformKernels.MinMax(group, out var min, out var max);
        var best = default(UniformGrid);
        var bestScore = double.PositiveInfinity;
        for (var k = 0; k < 10; k++)
        {
            var f = (10 - k) / 10f;
            UniformGrid candidate;
            if (symmetric)
            {
                candidate = UniformGrid.QDit(min, max, bits, true, f);
            }
            else
            {
                var top = (float)((1 << bits) - 1);
                var step = MathF.Max(max * f - min * f, UniformGrid.RangeFloor) / top;
                candidate = new UniformGrid(step, MathF.Round(-(min * f) / step), 0f, top);
            }
            var score = Score(group, candidate);
            if (score < bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    private static double Score(ReadOnlySpan<float> group, UniformGrid grid)
    {
        var sum = 0.0;
        foreach (var x in group) sum += Math.Pow(Math.Abs(x - grid.FakeQuantize(x)), ErrorPower);
        return sum / group.Length;
    }
}
