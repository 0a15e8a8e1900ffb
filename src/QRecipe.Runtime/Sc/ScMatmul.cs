using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
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
        Decode(Partials(a, b, 1, n, m, d, options, smoothScales, threeD: false), n, m, options.Resolve());

    /// <summary>2-D product, shape n×m, with b prepared once (<see cref="ScPreparedOperand"/>); equal to
    /// <see cref="Multiply(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, ScOptions, ReadOnlySpan{float})"/> on
    /// the same b.</summary>
    public static float[] Multiply(ReadOnlySpan<float> a, int n, ScPreparedOperand b, ScOptions options)
    {
        var output = new float[n * b.Rows];
        MultiplyInto(a, n, b, options, output);
        return output;
    }

    /// <summary>As <see cref="Multiply(ReadOnlySpan{float}, int, ScPreparedOperand, ScOptions)"/>, into n×m
    /// <paramref name="output"/> (overwritten), so a caller that reuses its buffer allocates nothing of that size.</summary>
    public static void MultiplyInto(ReadOnlySpan<float> a, int n, ScPreparedOperand b, ScOptions options, Span<float> output)
    {
        if (!b.Fits(options))
            throw new ArgumentException($"operand b was prepared for SC options that quantize it differently ({b.Options}) than this call's ({options})",
                nameof(options));
        ScInput.ValidateOperand(a, n, b.Dims, nameof(a));
        RequireOutput(output, (long)n * b.Rows);
        DecodeInto(Partials2D(a, n, b, options), perSlice: false, n, b.Rows, options.Resolve(), output);
    }

    /// <summary>3-D product, shape batch×n×m (per_head, per_tensor with one global range, per_row per slice).</summary>
    public static float[] MultiplyBatched(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d,
        ScOptions options, ReadOnlySpan<float> smoothScales = default)
    {
        var output = new float[batch * n * m];
        MultiplyBatchedInto(a, b, batch, n, m, d, options, output, smoothScales);
        return output;
    }

    /// <summary>As <see cref="MultiplyBatched(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, int, ScOptions, ReadOnlySpan{float})"/>,
    /// into batch×n×m <paramref name="output"/> (overwritten).</summary>
    public static void MultiplyBatchedInto(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d,
        ScOptions options, Span<float> output, ReadOnlySpan<float> smoothScales = default)
    {
        var partials = Partials(a, b, batch, n, m, d, options, smoothScales, threeD: true);
        RequireOutput(output, (long)batch * n * m);
        DecodeInto(partials, perSlice: true, n, m, options.Resolve(), output);
    }

    private static void RequireOutput(Span<float> output, long elements)
    {
        if (output.Length != elements)
            throw new ArgumentException($"the output has {output.Length} elements, the product {elements}", nameof(output));
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
        if (options.Granularity == ScGranularity.PerTensor)
        {
            // One range over all slices (§13 item 4), then one kernel call per slice.
            var ta = unipolar ? ScQuantizer.UnipolarPerTensor(sa, batch * n, d, g) : ScQuantizer.BipolarPerTensor(sa, batch * n, d, g);
            var tb = unipolar ? ScQuantizer.UnipolarPerTensor(sb, batch * m, d, g) : ScQuantizer.BipolarPerTensor(sb, batch * m, d, g);
            var slicesA = new ScCodes[batch];
            var slicesB = new ScCodes[batch];
            for (var s = 0; s < batch; s++)
                (slicesA[s], slicesB[s]) = (ta.Slice(s * n, n), tb.Slice(s * m, m));
            return product.RunSlices(slicesA, slicesB, ScDecode.TensorScales);
        }

        if (options.Granularity == ScGranularity.PerRow && !unipolar)
        {
            foreach (var (group, rows) in new[] { (options.GroupA, n), (options.GroupB, m) })
            {
                if (group != 1 && group < rows)
                    throw new NotSupportedException(
                        $"3-D bipolar per_row supports row groups of 1 or >= rows per slice ({rows}), not {group} (§1)");
            }
        }

        var perHead = options.Granularity == ScGranularity.PerHead;
        var work = workspace ??= new BatchedWorkspace();
        work.Fit(batch);
        ForEachSlice(sa, batch, n * d, (x, s) => work.A[s] = perHead ? ScQuantizer.BipolarFusedFp32(x, n, d, perRow: false, g, work.A[s])
            : unipolar ? ScQuantizer.UnipolarGrouped(x, n, d, options.GroupA, g, work.A[s]) : ScQuantizer.BipolarGrouped(x, n, d, options.GroupA, g, work.A[s]));
        ForEachSlice(sb, batch, m * d, (x, s) => work.B[s] = perHead ? ScQuantizer.BipolarFusedFp32(x, m, d, perRow: false, g, work.B[s])
            : unipolar ? ScQuantizer.UnipolarGrouped(x, m, d, options.GroupB, g, work.B[s]) : ScQuantizer.BipolarGrouped(x, m, d, options.GroupB, g, work.B[s]));
        var parts = new ScPreparedPart[batch];
        for (var s = 0; s < batch; s++)
            parts[s] = product.Part(work.B[s]!, work.Index[s]);
        var partials = product.RunSlices(work.A!, parts, perHead ? ScDecode.HeadScale : ScDecode.RowScales);
        for (var s = 0; s < batch; s++)
            work.Index[s] = parts[s].BuiltIndex ?? work.Index[s];
        return partials;
    }

    /// <summary>
    /// The codes and row-table entries of this thread's last batched call, overwritten by the next call of the same
    /// shape: the runner makes every attention product with the same shapes at every step, and these arrays (3.8 MB for
    /// DiT-XL/2's 16 heads) were most of a call's garbage. Partials of a 3-D call are therefore valid until the thread's
    /// next batched call; every caller decodes them at once.
    /// </summary>
    private sealed class BatchedWorkspace
    {
        public ScCodes?[] A = [];
        public ScCodes?[] B = [];
        public ushort[]?[] Index = [];

        public void Fit(int batch)
        {
            if (A.Length == batch)
                return;
            (A, B, Index) = (new ScCodes?[batch], new ScCodes?[batch], new ushort[]?[batch]);
        }
    }

    [ThreadStatic]
    private static BatchedWorkspace? workspace;

    private delegate void SliceBody(ReadOnlySpan<float> slice, int index);

    /// <summary>Runs a body on each slice of a batch in parallel (heads are independent).</summary>
    private static unsafe void ForEachSlice(ReadOnlySpan<float> x, int batch, int sliceLength, SliceBody body)
    {
        fixed (float* pointer = x)
        {
            var address = (nint)pointer;
            Parallel.For(0, batch, s => body(new ReadOnlySpan<float>((float*)address + (long)s * sliceLength, sliceLength), s));
        }
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

    /// <summary>Final fp32 multiplies of §4.3/§4.4 of a 2-D call, partials summed in order (chunks, §4.5).</summary>
    internal static float[] Decode(IReadOnlyList<ScPartial> partials, int n, int m, in ScGeometry g)
    {
        var output = new float[n * m];
        DecodeInto(partials, perSlice: false, n, m, g, output);
        return output;
    }

    /// <summary>Decodes every row in parallel: all partials into one n×m output, or partial s into slice s. The
    /// output is overwritten.</summary>
    private static unsafe void DecodeInto(IReadOnlyList<ScPartial> partials, bool perSlice, int n, int m, ScGeometry g, Span<float> output)
    {
        fixed (float* pointer = output)
            DecodeInto(partials, perSlice, n, m, g, (nint)pointer);
    }

    private static unsafe void DecodeInto(IReadOnlyList<ScPartial> partials, bool perSlice, int n, int m, ScGeometry g, nint output)
    {
        var factor = g.DecodeFactor;
        var columnScales = new float[partials.Count][];
        for (var p = 0; p < partials.Count; p++)
            columnScales[p] = ColumnScales(partials[p], factor);
        var rowsPerTask = Math.Max(1, (1 << 13) / m);
        var chunks = (n + rowsPerTask - 1) / rowsPerTask;
        var slices = perSlice ? partials.Count : 1;
        Parallel.For(0, slices * chunks, task =>
        {
            var (slice, chunk) = (task / chunks, task % chunks);
            for (var i = chunk * rowsPerTask; i < Math.Min(n, (chunk + 1) * rowsPerTask); i++)
            {
                var row = new Span<float>((float*)output + (long)(slice * n + i) * m, m);
                if (perSlice)
                    DecodeRow(partials[slice], columnScales[slice], i, row, factor, first: true);
                else
                {
                    for (var p = 0; p < partials.Count; p++)
                        DecodeRow(partials[p], columnScales[p], i, row, factor, first: p == 0);
                }
            }
        });
        foreach (var partial in partials)
        {
            if (partial.Pooled)
                System.Buffers.ArrayPool<int>.Shared.Return(partial.Acc);
        }
    }

    /// <summary>b's fp32 scales for the vector decode: fp32(sb) for per-row scales; fp32(qmax²/L)·fp32(sq·sk) for a
    /// head (one scale for all of a's rows). Empty where the decode stays scalar (zero points, double scales).</summary>
    private static float[] ColumnScales(ScPartial partial, float factor)
    {
        var (qa, qb) = (partial.A, partial.B);
        if (partial.Decode == ScDecode.RowScales && qa.ZeroPoint is null)
        {
            var scales = new float[qb.Rows];
            for (var j = 0; j < scales.Length; j++)
                scales[j] = (float)qb.Scale[j];
            return scales;
        }

        if (partial.Decode == ScDecode.HeadScale && Array.TrueForAll(qa.Scale, v => v == qa.Scale[0]))
        {
            var scales = new float[qb.Rows];
            for (var j = 0; j < scales.Length; j++)
                scales[j] = factor * (float)(qa.Scale[0] * qb.Scale[j]);
            return scales;
        }

        return [];
    }

    /// <summary>Adds row i's terms into the output row; the first partial clears the row first (while it is in cache,
    /// instead of a separate pass over the whole output).</summary>
    private static void DecodeRow(ScPartial partial, float[] columnScales, int i, Span<float> output, float factor, bool first)
    {
        if (first)
            output.Clear();
        var (qa, qb) = (partial.A, partial.B);
        var m = output.Length;
        var acc = partial.Acc.AsSpan(i * m, m);
        if (columnScales.Length > 0)
        {
            if (partial.Decode == ScDecode.HeadScale)
                AddScaled(acc, 1f, columnScales, output);
            else
                AddRowScaled(acc, factor, (float)qa.Scale[i], columnScales, output);
            return;
        }

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

    /// <summary>output[j] += fp32(acc[j])·factor·scale[j], in that order (no fused multiply-add, as the scalar form).</summary>
    private static void AddScaled(ReadOnlySpan<int> acc, float factor, ReadOnlySpan<float> scale, Span<float> output)
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var f = Vector512.Create(factor);
            for (; j + 16 <= output.Length; j += 16)
            {
                var raw = Vector512.ConvertToSingle(Vector512.Create(acc[j..])) * f;
                (Vector512.Create(output[j..]) + raw * Vector512.Create(scale[j..])).CopyTo(output[j..]);
            }
        }

        for (; j < output.Length; j++)
            output[j] += (float)acc[j] * factor * scale[j];
    }

    /// <summary>output[j] += (fp32(acc[j])·factor)·(scaleA·scale[j]) (§4.3 per-row order).</summary>
    private static void AddRowScaled(ReadOnlySpan<int> acc, float factor, float scaleA, ReadOnlySpan<float> scale, Span<float> output)
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var (f, sa) = (Vector512.Create(factor), Vector512.Create(scaleA));
            for (; j + 16 <= output.Length; j += 16)
            {
                var raw = Vector512.ConvertToSingle(Vector512.Create(acc[j..])) * f;
                (Vector512.Create(output[j..]) + raw * (sa * Vector512.Create(scale[j..]))).CopyTo(output[j..]);
            }
        }

        for (; j < output.Length; j++)
            output[j] += (float)acc[j] * factor * (scaleA * scale[j]);
    }

    internal static float[] Columns(ReadOnlySpan<float> x, int rows, int d, int c0, int width)
    {
        var result = new float[rows * width];
        for (var r = 0; r < rows; r++)
            x.Slice(r * d + c0, width).CopyTo(result.AsSpan(r * width, width));
        return result;
    }
}
