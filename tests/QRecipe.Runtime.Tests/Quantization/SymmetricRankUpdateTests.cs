using System;
using QRecipe.Runtime.Quantization.SecondOrder;

namespace QRecipe.Runtime.Tests.Quantization;

/// <summary>The blocked XᵀX of the GPTQ Hessian against a float64 reference computed here by the definition.</summary>
public sealed class SymmetricRankUpdateTests
{
    private const double U32 = 1.0 / (1 << 24);

    /// <summary>Rows: three full row blocks and a partial one; columns: two full tiles and a partial one.</summary>
    private const int Rows = 3 * SymmetricRankUpdate.RowBlock + 37;
    private const int Columns = 2 * SymmetricRankUpdate.Tile + 66;

    private static float[] Inputs(int rows, int columns, int seed)
    {
        var random = new System.Random(seed);
        var x = new float[rows * columns];
        // Mixed magnitudes and a shifted mean, like layer inputs with outlier channels: cancellation makes the
        // float32 error visible against the float64 sum.
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
                x[r * columns + c] = (float)((random.NextDouble() * 2 - 0.8) * (c % 17 == 0 ? 40 : 1));
        }
        return x;
    }

    /// <summary>Σₖ xₖᵢxₖⱼ and Σₖ|xₖᵢxₖⱼ| in float64, one product at a time.</summary>
    private static (double[] Exact, double[] Magnitude) Reference(float[] x, int rows, int n)
    {
        var exact = new double[n * n];
        var magnitude = new double[n * n];
        for (var k = 0; k < rows; k++)
        {
            for (var i = 0; i < n; i++)
            {
                double xi = x[k * n + i];
                for (var j = 0; j < n; j++)
                {
                    var p = xi * x[k * n + j];
                    exact[i * n + j] += p;
                    magnitude[i * n + j] += Math.Abs(p);
                }
            }
        }
        return (exact, magnitude);
    }

    /// <summary>Relative to Σ|xᵢxⱼ|: γ_L = L·u/(1 − L·u) for the float32 sums of at most L = RowBlock products (each
    /// block's error is at most γ_L times its share of Σ|xᵢxⱼ|), one float64 rounding per block added and for the
    /// scaling by 2/n, and the float64 reference's own γ_rows.</summary>
    private static double Bound(int rows, int blocks)
    {
        const double l = SymmetricRankUpdate.RowBlock;
        return l * U32 / (1 - l * U32) + (blocks + 2 + rows) * Math.Pow(2, -53);
    }

    [Fact]
    public void Hessian_matches_float64_within_the_float32_block_bound()
    {
        var x = Inputs(Rows, Columns, 7);
        var stats = new GptqStatistics(Columns);
        // Two batches of unequal size: the streamed sum over both equals XᵀX of all rows.
        var split = 1000 * Columns;
        stats.Accumulate(x.AsSpan(0, split), 1000, 3, "l");
        stats.Accumulate(x.AsSpan(split), Rows - 1000, 2, "l");
        var (exact, magnitude) = Reference(x, Rows, Columns);
        var bound = Bound(Rows, 2 + 2);
        var h = stats.Hessian();
        var worst = 0.0;
        for (var i = 0; i < exact.Length; i++)
        {
            var expected = 2.0 * exact[i] / 5;
            var limit = 2.0 * bound * magnitude[i] / 5;
            Assert.True(Math.Abs(h[i] - expected) <= limit, $"H[{i / Columns}, {i % Columns}] = {h[i]}, float64 {expected}, bound {limit}");
            worst = Math.Max(worst, Math.Abs(h[i] - expected) / (2.0 * magnitude[i] / 5));
        }
        Assert.True(worst > 0, "float32 products should round somewhere");
    }

    [Fact]
    public void Only_the_lower_triangle_is_written_and_the_hessian_mirrors_it()
    {
        var x = Inputs(700, Columns, 11);
        var sum = new double[Columns * Columns];
        SymmetricRankUpdate.AddLower(x, 700, Columns, sum);
        var (exact, _) = Reference(x, 700, Columns);
        for (var i = 0; i < Columns; i++)
        {
            for (var j = 0; j < Columns; j++)
            {
                if (j > i)
                    Assert.Equal(0.0, sum[i * Columns + j]);
                else
                    Assert.True(sum[i * Columns + j] != 0 || exact[i * Columns + j] == 0, $"S[{i}, {j}] not written");
            }
        }

        var stats = new GptqStatistics(Columns);
        stats.Accumulate(x, 700, 4, "l");
        var h = stats.Hessian();
        for (var i = 0; i < Columns; i++)
        {
            for (var j = 0; j < i; j++)
            {
                Assert.Equal(h[i * Columns + j], h[j * Columns + i]);
                Assert.Equal(sum[i * Columns + j] * 2.0 / 4, h[i * Columns + j]);
            }
        }
    }
}
