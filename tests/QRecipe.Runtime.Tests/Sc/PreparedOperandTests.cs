using System;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary>A prepared b (a layer's weight quantized once) gives the same fp32 output, bit for bit, as quantizing b in
/// the call, for every 2-D path and at every stream length it is reused for.</summary>
public class PreparedOperandTests
{
    private const int N = 37, M = 70, D = 45;

    public static IEnumerable<object[]> Options()
    {
        yield return [new ScOptions()];
        yield return [new ScOptions { Stream = 64, Scramble = ScScramble.Random, ScrambleSeed = 3 }];
        yield return [new ScOptions { Mode = ScMode.Unipolar, Stream = 100 }];
        yield return [new ScOptions { Granularity = ScGranularity.PerTensor, Precision = 6 }];
        yield return [new ScOptions { Granularity = ScGranularity.PerTensor, Mode = ScMode.Unipolar }];
        yield return [new ScOptions { Chunk = 16, Stream = 128 }];
        yield return [new ScOptions { GroupA = 5, GroupB = 8, Halve = true }];
        yield return [new ScOptions { Precision = 5, Grid = 29 }];
        yield return [new ScOptions { Kernel = ScKernel.Xnor, Precision = 6 }];
        yield return [new ScOptions { Kernel = ScKernel.And, Mode = ScMode.Unipolar, Precision = 6, Stream = 40 }];
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Prepared_equals_unprepared(ScOptions options)
    {
        var (a, b) = (Operand(N * D, 1), Operand(M * D, 2));
        var prepared = ScPreparedOperand.Prepare(b, M, D, options);
        Assert.Equal(ScMatmul.Multiply(a, N, b, M, D, options), ScMatmul.Multiply(a, N, prepared, options));
    }

    [Fact]
    public void One_preparation_serves_every_stream_length()
    {
        var (a, b) = (Operand(N * D, 3), Operand(M * D, 4));
        var prepared = ScPreparedOperand.Prepare(b, M, D, new ScOptions { Stream = 256 });
        foreach (var stream in new[] { 256, 181, 64, 1 })
        {
            var options = new ScOptions { Stream = stream };
            Assert.True(prepared.Fits(options));
            Assert.Equal(ScMatmul.Multiply(a, N, b, M, D, options), ScMatmul.Multiply(a, N, prepared, options));
        }
    }

    [Fact]
    public void Narrow_weights_keep_the_lookup_path()
    {
        // 20 rows of b: the lookup path at full length, so the codes stay with the preparation.
        var (a, b) = (Operand(N * D, 14), Operand(20 * D, 15));
        var prepared = ScPreparedOperand.Prepare(b, 20, D, new ScOptions());
        foreach (var stream in new[] { 256, 64 })
            Assert.Equal(ScMatmul.Multiply(a, N, b, 20, D, new ScOptions { Stream = stream }), ScMatmul.Multiply(a, N, prepared, new ScOptions { Stream = stream }));
    }

    [Fact]
    public void A_weight_prepared_for_row_tables_serves_the_enable_kernel_only()
    {
        // Its elements were dropped (only the entries and scales are kept), so a legacy-kernel call must re-prepare.
        var prepared = ScPreparedOperand.Prepare(Operand(M * D, 16), M, D, new ScOptions { Precision = 6 });
        Assert.True(prepared.Fits(new ScOptions { Precision = 6, Stream = 17 }));
        Assert.False(prepared.Fits(new ScOptions { Precision = 6, Kernel = ScKernel.Xnor }));
        var xnor = ScPreparedOperand.Prepare(Operand(M * D, 16), M, D, new ScOptions { Precision = 6, Kernel = ScKernel.Xnor });
        Assert.True(xnor.Fits(new ScOptions { Precision = 6 }));
    }

    [Fact]
    public void Options_that_quantize_b_differently_are_refused()
    {
        var b = Operand(M * D, 5);
        var prepared = ScPreparedOperand.Prepare(b, M, D, new ScOptions());
        foreach (var other in new[]
                 {
                     new ScOptions { Precision = 7 }, new ScOptions { Mode = ScMode.Unipolar }, new ScOptions { GroupB = 2 },
                     new ScOptions { Granularity = ScGranularity.PerTensor }, new ScOptions { Chunk = 16 }, new ScOptions { Grid = 128 },
                 })
        {
            Assert.False(prepared.Fits(other));
            var error = Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Operand(N * D, 6), N, prepared, other));
            Assert.Contains("prepared for SC options that quantize it differently", error.Message);
        }
    }

    [Fact]
    public void Output_span_overloads_overwrite_their_buffer_with_the_same_values()
    {
        var (a, b) = (Operand(N * D, 10), Operand(M * D, 11));
        var prepared = ScPreparedOperand.Prepare(b, M, D, new ScOptions());
        var output = new float[N * M];
        Array.Fill(output, 99f);
        ScMatmul.MultiplyInto(a, N, prepared, new ScOptions(), output);
        Assert.Equal(ScMatmul.Multiply(a, N, b, M, D, new ScOptions()), output);

        var heads = new ScOptions { Granularity = ScGranularity.PerHead, Stream = 64 };
        var batched = new float[3 * N * N];
        Array.Fill(batched, -1f);
        var (q, k) = (Operand(3 * N * D, 12), Operand(3 * N * D, 13));
        ScMatmul.MultiplyBatchedInto(q, k, 3, N, N, D, heads, batched);
        Assert.Equal(ScMatmul.MultiplyBatched(q, k, 3, N, N, D, heads), batched);

        Assert.Contains("the output has 5 elements, the product 2590",
            Assert.Throws<ArgumentException>(() => ScMatmul.MultiplyInto(a, N, prepared, new ScOptions(), new float[5])).Message);
    }

    [Fact]
    public void Bad_operands_are_refused_with_their_name()
    {
        var b = Operand(M * D, 7);
        b[17] = float.NaN;
        Assert.Contains("operand b has a non-finite value NaN at flat index 17",
            Assert.Throws<ArgumentException>(() => ScPreparedOperand.Prepare(b, M, D, new ScOptions())).Message);
        var prepared = ScPreparedOperand.Prepare(Operand(M * D, 8), M, D, new ScOptions());
        Assert.Contains("operand a has 10 elements, expected 37×45",
            Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(new float[10], N, prepared, new ScOptions())).Message);
        Assert.Contains("per_head granularity needs 3-D operands",
            Assert.Throws<ArgumentException>(() => ScPreparedOperand.Prepare(Operand(M * D, 9), M, D, new ScOptions { Granularity = ScGranularity.PerHead })).Message);
    }

    /// <summary>A normal operand with one exact zero (sign 0).</summary>
    private static float[] Operand(int count, ulong seed)
    {
        var values = ScOperands.Normal(count, seed);
        values[count / 3] = 0;
        return values;
    }
}
