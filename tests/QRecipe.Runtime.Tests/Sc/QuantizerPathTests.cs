using System;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Tests.Sc;

public class QuantizerPathTests
{
    /// <summary>The AVX-512 bipolar quantizer equals the scalar one code for code, half-even ties included.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(10)]
    public void Vector_and_scalar_bipolar_codes_agree(int p)
    {
        const int rows = 6, dims = 77;
        var x = new float[rows * dims];
        PhiloxRandom.FillNormal(x, (ulong)p);
        var qmax = (1 << (p - 1)) - 1;
        for (var r = 0; r < rows; r++)
        {
            x[r * dims] = qmax; // scale exactly 1 for this row: the halves below are exact ties
            for (var d = 1; d < 12; d++)
                x[r * dims + d] = (d - 6) + 0.5f;
        }

        var g = new ScOptions { Precision = p }.Resolve();
        Func<ScCodes>[] quantizers =
        [
            () => ScQuantizer.BipolarGrouped(x, rows, dims, 1, g),
            () => ScQuantizer.BipolarGrouped(x, rows, dims, 4, g),
            () => ScQuantizer.BipolarPerTensor(x, rows, dims, g),
            () => ScQuantizer.BipolarFusedFp32(x, rows, dims, perRow: true, g),
        ];
        foreach (var quantize in quantizers)
        {
            var vector = quantize();
            BipolarRow.ForceScalar = true;
            ScCodes scalar;
            try
            {
                scalar = quantize();
            }
            finally
            {
                BipolarRow.ForceScalar = false;
            }

            Assert.Equal(scalar.Value, vector.Value);
            Assert.Equal(scalar.Sign, vector.Sign);
            Assert.Equal(scalar.Boundary, vector.Boundary);
        }

        var grouped = ScQuantizer.BipolarGrouped(x, rows, dims, 1, g);
        // At p >= 8 the row's absmax is qmax (the halves stay below it), so the scale is 1 and the halves are ties.
        for (var d = 1; d < 12 && p >= 8; d++)
            Assert.Equal(Math.Clamp(Math.Round(d - 5.5, MidpointRounding.ToEven), -qmax, qmax), grouped.Value[d]);
    }
}
