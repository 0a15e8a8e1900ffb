using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using QRecipe.Plan;
using QRecipe.Runtime.Sc.Decode;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// Bit-exact simulation of scmp's <c>sc_matmul</c> (docs/sc-engine.md): out ≈ a·bᵀ with a (n×d) and b (m×d), or per
/// slice of 3-D operands (batch×n×d, batch×m×d). Row-major float spans; results are fp32, row-major.
/// </summary>
public static class ScMatmul
{
    /// <summary>2-D product, shape n×m.</summary>
    public static float[] Multiply(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d, ScOptions options,
        ReadOnlySpan<float> smoothScales = default)
    {
        var output = new float[n * m];
        unsafe
        {
            fixed (float* into = output)
            {
                if (PartialsOrDecoded(a, b, 1, n, m, d, options, smoothScales, threeD: false, null, into) is { } partials)
                    ScPartialDecoder.DecodeInto(partials, perSlice: false, n, m, options.Resolve(), output);
            }
        }

        return output;
    }

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
    /// <paramref name="output"/> (overwritten), so a caller that reuses its buffer allocates nothing of that size. The
    /// accumulators come from <paramref name="accumulators"/> (the CPU engine when null).</summary>
    public static void MultiplyInto(ReadOnlySpan<float> a, int n, ScPreparedOperand b, ScOptions options, Span<float> output,
        IScAccumulators? accumulators = null)
    {
        if (!b.Fits(options))
            throw new ArgumentException($"operand b was prepared for SC options that quantize it differently ({b.Options}) than this call's ({options})",
                nameof(options));
        ScInput.ValidateOperand(a, n, b.Dims, nameof(a));
        ScInput.RequireOutput(output, (long)n * b.Rows);
        unsafe
        {
            fixed (float* into = output)
            {
                if (Partials2D(a, n, b, options, accumulators ?? ScEngineAccumulators.Instance, into) is { } partials)
                    ScPartialDecoder.DecodeInto(partials, perSlice: false, n, b.Rows, options.Resolve(), output);
            }
        }
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
    /// into batch×n×m <paramref name="output"/> (overwritten), the accumulators from <paramref name="accumulators"/>
    /// (the CPU engine when null).</summary>
    public static void MultiplyBatchedInto(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d,
        ScOptions options, Span<float> output, ReadOnlySpan<float> smoothScales = default, IScAccumulators? accumulators = null)
    {
        ScInput.RequireOutput(output, (long)batch * n * m);
        unsafe
        {
            fixed (float* into = output)
            {
                if (PartialsOrDecoded(a, b, batch, n, m, d, options, smoothScales, threeD: true, accumulators, into) is { } partials)
                    ScPartialDecoder.DecodeInto(partials, perSlice: true, n, m, options.Resolve(), output);
            }
        }
    }

    /// <summary>The integer partials of a call: one per chunk (2-D chunked), one per slice (3-D), else one.</summary>
    internal static List<ScPartial> Partials(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d,
        ScOptions options, ReadOnlySpan<float> smoothScales, bool threeD, IScAccumulators? accumulators = null)
    {
        unsafe
        {
            return PartialsOrDecoded(a, b, batch, n, m, d, options, smoothScales, threeD, accumulators, null)!;
        }
    }

    /// <summary><see cref="Partials"/>, except that given <paramref name="into"/> (the pinned output) a call whose decode
    /// the kernel can fuse is decoded there, and null is returned.</summary>
    private static unsafe List<ScPartial>? PartialsOrDecoded(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d,
        ScOptions options, ReadOnlySpan<float> smoothScales, bool threeD, IScAccumulators? accumulators, float* into)
    {
        var source = accumulators ?? ScEngineAccumulators.Instance;
        var g = options.Resolve();
        ScInput.Validate(a, b, batch, n, m, d, smoothScales);
        var (smoothedA, smoothedB) = ScInput.Smooth(a, b, smoothScales);
        var sa = smoothedA is null ? a : smoothedA;
        var sb = smoothedB is null ? b : smoothedB;
        // Quantize refuses per_head on 2-D operands.
        if (!threeD)
            return Partials2D(sa, n, ScPreparedOperand.Quantize(sb, m, d, options), options, source, into);
        if (options.Chunk > 0)
            throw new ArgumentException("chunk_d needs 2-D operands", nameof(options));

        var unipolar = options.Mode == ScMode.Unipolar;
        var product = ScProduct.For(g, !unipolar, d);
        if (options.Granularity == ScGranularity.PerTensor)
        {
            // One range over all slices (as scmp), then one kernel call per slice.
            var ta = ScQuantizer.PerTensor(sa, batch * n, d, g, unipolar);
            var tb = ScQuantizer.PerTensor(sb, batch * m, d, g, unipolar);
            var slicesA = new ScCodes[batch];
            var slicesB = new ScCodes[batch];
            for (var s = 0; s < batch; s++)
                (slicesA[s], slicesB[s]) = (ta.Slice(s * n, n), tb.Slice(s * m, m));
            return product.RunSlices(slicesA, slicesB, ScDecode.TensorScales, source);
        }

        if (options.Granularity == ScGranularity.PerRow && !unipolar)
        {
            foreach (var (group, rows) in new[] { (options.GroupA, n), (options.GroupB, m) })
            {
                if (group != 1 && group < rows)
                    throw new NotSupportedException(
                        $"3-D bipolar per_row supports row groups of 1 or >= rows per slice ({rows}), not {group}");
            }
        }

        var perHead = options.Granularity == ScGranularity.PerHead;
        var work = ScBatchedWorkspace.ForThisThread(batch);
        ScCodes Quantize(ReadOnlySpan<float> x, int rows, int group, ScCodes? into) => perHead
            ? ScQuantizer.BipolarFusedFp32(x, rows, d, perRow: false, g, into)
            : ScQuantizer.Grouped(x, rows, d, group, g, unipolar, into);
        ForEachSlice(sa, batch, n * d, (x, s) => work.A[s] = Quantize(x, n, options.GroupA, work.A[s]));
        ForEachSlice(sb, batch, m * d, (x, s) => work.B[s] = Quantize(x, m, options.GroupB, work.B[s]));
        var parts = new ScPreparedPart[batch];
        for (var s = 0; s < batch; s++)
            parts[s] = product.Part(work.B[s]!, work.Index[s]);
        var decode = perHead ? ScDecode.HeadScale : ScDecode.RowScales;
        List<ScPartial>? partials = null;
        if (into != null)
            product.RunSlicesInto(work.A!, parts, decode, source, into);
        else
            partials = product.RunSlices(work.A!, parts, decode, source);
        for (var s = 0; s < batch; s++)
            work.Index[s] = parts[s].BuiltIndex ?? work.Index[s];
        return partials;
    }

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
    private static unsafe List<ScPartial>? Partials2D(ReadOnlySpan<float> a, int n, ScPreparedOperand b, ScOptions options, IScAccumulators accumulators,
        float* into)
    {
        var g = options.Resolve();
        var d = b.Dims;
        var unipolar = options.Mode == ScMode.Unipolar;
        var product = ScProduct.For(g, !unipolar, b.Parts[0].Codes.Dims);
        var partials = new List<ScPartial>();
        if (b.Parts.Count > 1)
        {
            for (int c = 0, c0 = 0; c < b.Parts.Count; c0 += b.Parts[c].Codes.Dims, c++)
            {
                var width = b.Parts[c].Codes.Dims;
                var qa = ScQuantizer.BipolarFusedFp32(Columns(a, n, d, c0, width), n, width, perRow: true, g);
                partials.Add(product.Run(qa, b.Parts[c], ScDecode.RowScales, accumulators));
            }
        }
        else if (options.Granularity == ScGranularity.PerTensor)
        {
            var qa = ScQuantizer.PerTensor(a, n, d, g, unipolar);
            partials.Add(product.Run(qa, b.Parts[0], ScDecode.TensorScales, accumulators));
        }
        else
        {
            if (into != null)
            {
                var reused = ScQuantizer.Grouped(a, n, d, options.GroupA, g, unipolar, ScOperandWorkspace.Previous(n, d, unipolar));
                ScOperandWorkspace.Keep(reused);
                product.RunSlicesInto([reused], [b.Parts[0]], ScDecode.RowScales, accumulators, into);
                return null;
            }

            var qa = ScQuantizer.Grouped(a, n, d, options.GroupA, g, unipolar);
            partials.Add(product.Run(qa, b.Parts[0], ScDecode.RowScales, accumulators));
        }

        return partials;
    }

    internal static float[] Columns(ReadOnlySpan<float> x, int rows, int d, int c0, int width)
    {
        var result = new float[rows * width];
        for (var r = 0; r < rows; r++)
            x.Slice(r * d + c0, width).CopyTo(result.AsSpan(r * width, width));
        return result;
    }
}
