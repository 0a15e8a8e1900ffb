using System;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Decode;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Oracle;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary>The fp32 decode (docs/sc-engine.md) written out per element, on the cycle-by-cycle oracle's accumulators, equals the
/// product bit for bit: the vectorised decode keeps the scalar order of roundings (70 columns: 4 vectors and a tail).</summary>
public class DecodeTests
{
    private const int N = 9, M = 70, D = 33;

    [Theory]
    [InlineData(256)]
    [InlineData(77)]
    public void Per_row_decode_equals_the_scalar_formula(int stream)
    {
        var options = new ScOptions { Stream = stream };
        var g = options.Resolve();
        var (a, b) = (ScOperands.Normal(N * D, 1), ScOperands.Normal(M * D, 2));
        var qa = ScQuantizer.BipolarGrouped(a, N, D, 1, g);
        var qb = ScQuantizer.BipolarGrouped(b, M, D, 1, g);
        var acc = NaiveScSimulator.Enable(qa, qb, ScSequences.Prepare(g, D));
        var expected = new float[N * M];
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < M; j++)
                expected[i * M + j] = (float)acc[i * M + j] * g.DecodeFactor * ((float)qa.Scale[i] * (float)qb.Scale[j]);
        }

        Assert.Equal(expected, ScMatmul.Multiply(a, N, b, M, D, options));
    }

    [Fact]
    public void Per_head_decode_equals_the_scalar_formula()
    {
        const int Heads = 3;
        var options = new ScOptions { Stream = 128, Granularity = ScGranularity.PerHead };
        var g = options.Resolve();
        var (a, b) = (ScOperands.Normal(Heads * N * D, 3), ScOperands.Normal(Heads * M * D, 4));
        var expected = new float[Heads * N * M];
        for (var h = 0; h < Heads; h++)
        {
            var qa = ScQuantizer.BipolarFusedFp32(a.AsSpan(h * N * D, N * D), N, D, perRow: false, g);
            var qb = ScQuantizer.BipolarFusedFp32(b.AsSpan(h * M * D, M * D), M, D, perRow: false, g);
            var acc = NaiveScSimulator.Enable(qa, qb, ScSequences.Prepare(g, D));
            for (var i = 0; i < N; i++)
            {
                for (var j = 0; j < M; j++)
                    expected[(h * N + i) * M + j] = acc[i * M + j] * (g.DecodeFactor * (float)(qa.Scale[i] * qb.Scale[j]));
            }
        }

        Assert.Equal(expected, ScMatmul.MultiplyBatched(a, b, Heads, N, M, D, options));
    }

    /// <summary>The row-table kernel decodes as it writes its rows; that equals decoding its integer accumulators
    /// afterwards, bit for bit, over several row blocks (the last one partial) and column ranges, for per-row 2-D,
    /// per-row 3-D and per-head 3-D products.</summary>
    [Theory]
    [InlineData(1, 70, 100, ScGranularity.PerRow)]
    [InlineData(1, 20, 300, ScGranularity.PerRow)]
    [InlineData(3, 45, 70, ScGranularity.PerRow)]
    [InlineData(3, 45, 70, ScGranularity.PerHead)]
    public void Fused_decode_equals_the_separate_decode(int batch, int n, int m, ScGranularity granularity)
    {
        var options = new ScOptions { Stream = 200, Granularity = granularity };
        var (a, b) = (ScOperands.Normal(batch * n * D, 5), ScOperands.Normal(batch * m * D, 6));
        var threeD = granularity == ScGranularity.PerHead || batch > 1;
        var separate = new float[batch * n * m];
        ScPartialDecoder.DecodeInto(ScMatmul.Partials(a, b, batch, n, m, D, options, default, threeD), threeD, n, m, options.Resolve(), separate);
        var fused = threeD
            ? ScMatmul.MultiplyBatched(a, b, batch, n, m, D, options)
            : ScMatmul.Multiply(a, n, ScPreparedOperand.Prepare(b, m, D, options), options);
        Assert.Equal(Array.ConvertAll(separate, BitConverter.SingleToInt32Bits), Array.ConvertAll(fused, BitConverter.SingleToInt32Bits));
    }
}
