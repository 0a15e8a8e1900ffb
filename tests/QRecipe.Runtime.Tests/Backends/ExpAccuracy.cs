using System;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>The accuracy every vector exp of the row kernels must have, against Math.Exp in float64: within 2.4e-7
/// relative (2 ulp) from e^−86.9 to e^88.72, +∞ above the float range and 0 below it, swept in steps of 0.00731.</summary>
internal static class ExpAccuracy
{
    public static void AssertWithin2Ulp(Func<float, float> exp)
    {
        for (var x = -90.0; x <= 90.0; x += 0.00731)
        {
            var value = (float)x;
            var actual = exp(value);
            var expected = Math.Exp(value);
            if (value > 88.72283905206835)
                Assert.Equal(float.PositiveInfinity, actual);
            else if (value < -86.9f)
                Assert.Equal(0f, actual);
            else
                Assert.True(Math.Abs(actual - expected) <= 2.4e-7 * expected, $"exp({value:R}) = {actual:R}, expected {expected:R}");
        }
    }
}
