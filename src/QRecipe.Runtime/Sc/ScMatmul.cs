using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using QRecipe.Language.Plan;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// Bit-exact simulation of scmp's <c>sc_matmul</c> (sc-kernels.md §1): out ≈ a·bᵀ with a (n×d) and b (m×d), or per
/// slice of 3-D operands (batch×n×d, batch×m×d). Row-major float spans; results are fp32, row-major.
/// </summary>
public static class ScMatmul
{
    /// <summary>2-D product, shape n×m.</summary>
    public static float[] Multiply(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d, ScOptions options,
        ReadOnlySpan<float> smoothScales = default) =>
        Decode(Partials(a, b, 1, n, m, d, options, smoothScales, threeD: false), n, m, d, options.Resolve());

    /// <summary>2-D product, shape n×m, with b prepared once (<see cref="ScPreparedOperand"/>); equal to
    /// <see cref="Multiply(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, ScOptions, ReadOnlySpan{float})"/> on
    /// the same b.</summary>
    public static float[] Multiply(ReadOnlySpan<float> a, int n, ScPreparedOperand b, ScOptions options)
    {
        if (!b.Fits(options))
            throw new ArgumentException($"operand b was prepared for SC options that quantize it differently ({b.Options}) than this call's ({options})",
                nameof(options));
        ScInput.ValidateOperand(a, n, b.Dims, nameof(a));
        return Decode(Partials2D(a, n, b, options), n, b.Rows, b.Dims, options.Resolve());
    }

    /// <summary>3-D product, shape batch×n×m (per_head, per_tensor with one global range, per_row per slice).</summary>
    public static float[] MultiplyBatched(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d,
        ScOptions options, ReadOnlySpan<float> smoothScales = default)
    {
        var partials = Partials(a, b, batch, n, m, d, options, smoothScales, threeD: true);
        var geometry = options.Resolve();
        var output = new float[batch * n * m];
        for (var s = 0; s < batch; s++)
            Decode([partials[s]], n, m, d, geometry).CopyTo(output, s * n * m);
        return output;
    }

    /// <summary>The integer partials of a call: one per chunk (2-D chunked), one per slice (3-D), else one.</summary>
    internal static List<ScPartial> Partials(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d,
        ScOptions options, ReadOnlySpan<float> smoothScales, bool threeD)
    {
        var g = options.Resolve();
        ScInput.Validate(a, b, batch, n, m, d, smoothScales);
        var (smoothedA, smoothedB) = ScInput.Smooth(a, b, smoothScales);
        var sa = smoothedA is null ? a : smoothedA;
        var sb = smoothedB is null ? b : smoothedB;
        if (options.Granularity == ScGranularity.PerHead && !threeD)
            throw new ArgumentException("per_head granularity needs 3-D operands (§1)", nameof(options));
        if (options.Chunk > 0 && threeD)
            throw new ArgumentException("chunk_d needs 2-D operands (§1)", nameof(options));

        if (!threeD)
            return Partials2D(sa, n, ScPreparedOperand.Quantize(sb, m, d, options), options);

        var unipolar = options.Mode == ScMode.Unipolar;
        var product = ScProduct.For(g, options.Kernel, !unipolar, d);
        var partials = new List<ScPartial>();
        if (options.Granularity == ScGranularity.PerTensor)
        {
            // One range over all slices (§13 item 4), then one kernel call per slice.
            var qa = unipolar ? ScQuantizer.UnipolarPerTensor(sa, batch * n, d, g) : ScQuantizer.BipolarPerTensor(sa, batch * n, d, g);
            var qb = unipolar ? ScQuantizer.UnipolarPerTensor(sb, batch * m, d, g) : ScQuantizer.BipolarPerTensor(sb, batch * m, d, g);
            for (var s = 0; s < batch; s++)
                partials.Add(product.Run(qa.Slice(s * n, n), qb.Slice(s * m, m), ScDecode.TensorScales));
            return partials;
        }

        if (threeD && options.Granularity == ScGranularity.PerRow && !unipolar)
        {
            foreach (var (group, rows) in new[] { (options.GroupA, n), (options.GroupB, m) })
            {
                if (group != 1 && group < rows)
                    throw new NotSupportedException(
                        $"3-D bipolar per_row supports row groups of 1 or >= rows per slice ({rows}), not {group} (§1)");
            }
        }

        for (var s = 0; s < batch; s++)
        {
            var sliceA = sa.Slice(s * n * d, n * d);
            var sliceB = sb.Slice(s * m * d, m * d);
            if (options.Granularity == ScGranularity.PerHead)
            {
                var qa = ScQuantizer.BipolarFusedFp32(sliceA, n, d, perRow: false, g);
                var qb = ScQuantizer.BipolarFusedFp32(sliceB, m, d, perRow: false, g);
                partials.Add(product.Run(qa, qb, ScDecode.HeadScale));
            }
            else
            {
                var qa = unipolar ? ScQuantizer.UnipolarGrouped(sliceA, n, d, options.GroupA, g) : ScQuantizer.BipolarGrouped(sliceA, n, d, options.GroupA, g);
                var qb = unipolar ? ScQuantizer.UnipolarGrouped(sliceB, m, d, options.GroupB, g) : ScQuantizer.BipolarGrouped(sliceB, m, d, options.GroupB, g);
                partials.Add(product.Run(qa, qb, ScDecode.RowScales));
            }
        }

        return partials;
    }

    /// <summary>a's side of a 2-D call against b's codes, quantized the same way (per chunk, per tensor, per row group).</summary>
    private static List<ScPartial> Partials2D(ReadOnlySpan<float> a, int n, ScPreparedOperand b, ScOptions options)
    {
        var g = options.Resolve();
        var d = b.Dims;
        var unipolar = options.Mode == ScMode.Unipolar;
        var product = ScProduct.For(g, options.Kernel, !unipolar, b.Parts[0].Codes.Dims);
        var partials = new List<ScPartial>();
        if (b.Parts.Count > 1)
        {
            for (int c = 0, c0 = 0; c < b.Parts.Count; c0 += b.Parts[c].Codes.Dims, c++)
            {
                var width = b.Parts[c].Codes.Dims;
                var qa = ScQuantizer.BipolarFusedFp32(Columns(a, n, d, c0, width), n, width, perRow: true, g);
                partials.Add(product.Run(qa, b.Parts[c], ScDecode.RowScales));
            }
        }
        else if (options.Granularity == ScGranularity.PerTensor)
        {
            var qa = unipolar ? ScQuantizer.UnipolarPerTensor(a, n, d, g) : ScQuantizer.BipolarPerTensor(a, n, d, g);
            partials.Add(product.Run(qa, b.Parts[0], ScDecode.TensorScales));
        }
        else
        {
            var qa = unipolar ? ScQuantizer.UnipolarGrouped(a, n, d, options.GroupA, g) : ScQuantizer.BipolarGrouped(a, n, d, options.GroupA, g);
            partials.Add(product.Run(qa, b.Parts[0], ScDecode.RowScales));
        }

        return partials;
    }

    /// <summary>Final fp32 multiplies of §4.3/§4.4, partials summed in order (chunks, §4.5); rows in parallel.</summary>
    internal static float[] Decode(IReadOnlyList<ScPartial> partials, int n, int m, int d, in ScGeometry g)
    {
        var output = new float[n * m];
        var factor = g.DecodeFactor;
        // Tasks of at least 64 Ki outputs: small slices (attention heads) decode on one thread.
        var rowsPerTask = Math.Max(1, (1 << 16) / Math.Max(1, m));
        Parallel.For(0, (n + rowsPerTask - 1) / rowsPerTask, task =>
        {
            for (var i = task * rowsPerTask; i < Math.Min(n, (task + 1) * rowsPerTask); i++)
            {
                var row = output.AsSpan(i * m, m);
                foreach (var partial in partials)
                    DecodeRow(partial, i, row, factor);
            }
        });
        return output;
    }

    private static void DecodeRow(ScPartial partial, int i, Span<float> output, float factor)
    {
        var (qa, qb) = (partial.A, partial.B);
        var m = output.Length;
        var acc = partial.Acc.AsSpan(i * m, m);
        if (partial.Decode == ScDecode.HeadScale)
        {
            for (var j = 0; j < m; j++)
                output[j] += acc[j] * (factor * (float)(qa.Scale[i] * qb.Scale[j]));
            return;
        }

        var tensor = partial.Decode == ScDecode.TensorScales;
        var scaleA = (float)qa.Scale[i];
        var zeroPoints = qa.ZeroPoint is { } zpA && qb.ZeroPoint is { } zpB ? (zpA, zpB) : default;
        for (var j = 0; j < m; j++)
        {
            var raw = (float)acc[j] * factor;
            if (zeroPoints.zpA is { } za)
                raw += -zeroPoints.zpB[j] * qa.RowSum![i] - za[i] * qb.RowSum![j] + qa.Dims * za[i] * zeroPoints.zpB[j];
            output[j] += raw * (tensor ? (float)(qa.Scale[i] * qb.Scale[j]) : scaleA * (float)qb.Scale[j]);
        }
    }

    internal static float[] Columns(ReadOnlySpan<float> x, int rows, int d, int c0, int width)
    {
        var result = new float[rows * width];
        for (var r = 0; r < rows; r++)
            x.Slice(r * d + c0, width).CopyTo(result.AsSpan(r * width, width));
        return result;
    }
}
