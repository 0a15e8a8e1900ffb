using System;
using System.Numerics;
using QRecipe.Plan;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Backends.Cpu.Parallel;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.Surrogate;

/// <summary>
/// The Gaussian noise surrogate of exact SC (docs/sc-engine.md): out = a·bᵀ + ε with ε ~ N(0, σ²) i.i.d. per
/// output. Bipolar: σ[n,m] = sqrt(D / L² · c) · a_scale[n] · b_scale[m], the scales being abs-maxima (not divided by
/// qmax): per row for per-row scaling, per slice for 3-D (per-head) operands, per tensor otherwise. Unipolar:
/// σ² = max(0, (a·bᵀ)·a_scale·b_scale / L² · c). c = 0 gives the plain product; L ≤ 0 (pruned) gives zeros.
/// ε is reproducible: output i of the call uses normal i of (seed, stream) from <see cref="SurrogateNormals"/>.
/// The noise is drawn and added row by row on all workers, straight into the product (no noise buffer).
/// </summary>
public static class ScNoiseSurrogate
{
    /// <summary>σ of one output for bipolar operands (scmp's test vector TV-28 checks it).</summary>
    public static double Sigma(int d, int stream, double c, double aScale, double bScale) =>
        Math.Sqrt((double)d / ((double)stream * stream) * c) * aScale * bScale;

    /// <summary>max |x| of each row of x (rows × d). Computed once for a static weight, it serves both scalings: the
    /// per-tensor scale is its maximum.</summary>
    public static unsafe float[] RowScales(ReadOnlySpan<float> x, int rows, int d)
    {
        if (x.Length != (long)rows * d)
            throw new ArgumentException($"operand has {x.Length} elements, expected {rows}×{d} = {(long)rows * d}", nameof(x));
        var result = new float[rows];
        fixed (float* px = x, pr = result)
            RangeParallel<ScaleRows>.For(rows, (long)rows * d, new ScaleRows { X = px, Result = pr, D = d }, &RowScaleRows);
        return result;
    }

    /// <summary>2-D product; <paramref name="perRow"/> selects per-row abs-max scales and the local coefficient.</summary>
    public static float[] Multiply(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d, int stream, NoiseModel noise,
        bool perRow, ScMode mode, ulong seed, ulong streamId = 0)
    {
        CheckShapes(a, n, b, m, d);
        var output = new float[n * m];
        Noisy(a, n, b, RowScales(b, m, d), m, d, stream, noise, perRow, mode, seed, streamId, output);
        return output;
    }

    /// <summary>As <see cref="Multiply(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, int, NoiseModel, bool, ScMode, ulong, ulong)"/>
    /// with b's <see cref="RowScales"/> given, for a weight that stays fixed over many calls (the same result). A finite
    /// row scale stands for a finite row (the abs-max propagates NaN and ∞), so b itself is not scanned again.</summary>
    public static float[] Multiply(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, ReadOnlySpan<float> bRowScales, int m, int d, int stream,
        NoiseModel noise, bool perRow, ScMode mode, ulong seed, ulong streamId = 0)
    {
        var output = new float[n * m];
        MultiplyInto(a, n, b, bRowScales, m, d, stream, noise, perRow, mode, seed, output, streamId);
        return output;
    }

    /// <summary>As the overload with b's row scales, into n×m <paramref name="output"/> (overwritten).</summary>
    public static void MultiplyInto(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, ReadOnlySpan<float> bRowScales, int m, int d, int stream,
        NoiseModel noise, bool perRow, ScMode mode, ulong seed, Span<float> output, ulong streamId = 0)
    {
        CheckShapes(a, n, b, bRowScales, m, d);
        ScInput.RequireOutput(output, (long)n * m);
        Noisy(a, n, b, bRowScales, m, d, stream, noise, perRow, mode, seed, streamId, output);
    }

    /// <summary>3-D (per-head) product, batch×n×m: one abs-max per slice and the local coefficient; slice s draws its
    /// noise from Philox stream <paramref name="streamId"/> + s.</summary>
    public static float[] MultiplyBatched(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d,
        int stream, NoiseModel noise, ScMode mode, ulong seed, ulong streamId = 0)
    {
        ScInput.Validate(a, b, batch, n, m, d, default);
        var output = new float[batch * n * m];
        if (stream <= 0)
            return output;
        for (var s = 0; s < batch; s++)
        {
            var slice = output.AsSpan(s * n * m, n * m);
            var sa = a.Slice(s * n * d, n * d);
            var sb = b.Slice(s * m * d, m * d);
            Product(sa, n, sb, m, d, slice);
            AddNoise(slice, n, m, d, stream, noise.Local, [AbsMax(sa)], [AbsMax(sb)], mode, seed, streamId + (ulong)s);
        }

        return output;
    }

    /// <summary>a's row scales, after checking that a and b (through its row scales) are finite; the errors name the
    /// operand and the first non-finite value.</summary>
    internal static float[] FiniteRowScales(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, ReadOnlySpan<float> bRowScales, int d)
    {
        var aRowScales = RowScales(a, n, d);
        RequireFinite(a, aRowScales, d, nameof(a));
        RequireFinite(b, bRowScales, d, nameof(b));
        return aRowScales;
    }

    private static void Noisy(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, ReadOnlySpan<float> bRowScales, int m, int d, int stream,
        NoiseModel noise, bool perRow, ScMode mode, ulong seed, ulong streamId, Span<float> output)
    {
        var aRowScales = FiniteRowScales(a, n, b, bRowScales, d);
        if (stream <= 0)
        {
            output.Clear();
            return;
        }

        Product(a, n, b, m, d, output);
        if (perRow)
            AddNoise(output, n, m, d, stream, noise.Local, aRowScales, bRowScales, mode, seed, streamId);
        else
            AddNoise(output, n, m, d, stream, noise.Global, [Max(aRowScales)], [Max(bRowScales)], mode, seed, streamId);
    }

    /// <summary>The shape checks of <see cref="ScInput.Validate"/>; finiteness is checked on the row scales.</summary>
    internal static void CheckShapes(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d)
    {
        if (n < 1 || m < 1 || d < 1)
            throw new ArgumentOutOfRangeException(nameof(d), $"SC matmul dimensions must be positive (n {n}, m {m}, d {d})");
        if (a.Length != (long)n * d)
            throw new ArgumentException($"operand a has {a.Length} elements, expected {n}×{d} = {(long)n * d}", nameof(a));
        if (b.Length != (long)m * d)
            throw new ArgumentException($"operand b has {b.Length} elements, expected {m}×{d} = {(long)m * d}", nameof(b));
    }

    /// <summary><see cref="CheckShapes(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int)"/>, and one row scale
    /// per row of b.</summary>
    internal static void CheckShapes(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, ReadOnlySpan<float> bRowScales, int m, int d)
    {
        CheckShapes(a, n, b, m, d);
        if (bRowScales.Length != m)
            throw new ArgumentException($"b has {m} rows but {bRowScales.Length} row scales", nameof(bRowScales));
    }

    private static void RequireFinite(ReadOnlySpan<float> x, ReadOnlySpan<float> rowScales, int d, string name)
    {
        for (var r = 0; r < rowScales.Length; r++)
        {
            if (float.IsFinite(rowScales[r]))
                continue;
            var i = r * d;
            while (i < (r + 1) * d - 1 && float.IsFinite(x[i]))
                i++;
            throw new ArgumentException($"operand {name} has a non-finite value {x[i]} at flat index {i}; SC quantization needs finite inputs", name);
        }
    }

    private static unsafe void Product(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d, Span<float> output)
    {
        fixed (float* pa = a, pb = b, pc = output)
        {
            Sgemm.Multiply(new GemmProblem(n, m, d, 1f, MatrixView.RowMajor(pa, d, false), MatrixView.RowMajor(pb, d, true),
                pc, m, null));
        }
    }

    private static unsafe void AddNoise(Span<float> output, int n, int m, int d, int stream, double c, ReadOnlySpan<float> aScale,
        ReadOnlySpan<float> bScale, ScMode mode, ulong seed, ulong streamId)
    {
        if (c == 0)
            return;
        fixed (float* po = output, pa = aScale, pb = bScale)
        {
            var job = new NoiseRows
            {
                Output = po,
                AScale = pa,
                BScale = pb,
                PerRowA = aScale.Length != 1,
                PerRowB = bScale.Length != 1,
                M = m,
                BaseSigma = Math.Sqrt(d * c) / stream,
                VarianceFactor = c / ((double)stream * stream),
                Bipolar = mode == ScMode.Bipolar,
                Seed = seed,
                Stream = streamId,
            };
            RangeParallel<NoiseRows>.For(n, (long)n * m * 16, job, &AddNoiseRows);
        }
    }

    /// <summary>Output i·m + j += σ[i,j] · normal(i·m + j) in float32: the row's factor √(D·c)/L·a_scale (bipolar) or
    /// c/L²·a_scale (unipolar) is rounded to float once, times b_scale[j] gives the scale; bipolar σ is the scale,
    /// unipolar σ = sqrt(max(0, product · scale)); the update is one fused multiply-add.</summary>
    private static unsafe void AddNoiseRows(in NoiseRows job, int firstRow, int endRow)
    {
        const int chunk = 512;
        var normals = stackalloc float[chunk];
        for (var i = firstRow; i < endRow; i++)
        {
            var rowFactor = (float)((job.Bipolar ? job.BaseSigma : job.VarianceFactor) * job.AScale[job.PerRowA ? i : 0]);
            var row = job.Output + (long)i * job.M;
            for (var j0 = 0; j0 < job.M; j0 += chunk)
            {
                var count = Math.Min(chunk, job.M - j0);
                SurrogateNormals.At(job.Seed, job.Stream, (long)i * job.M + j0, new Span<float>(normals, count));
                var bScale = job.PerRowB ? job.BScale + j0 : null;
                var k = AddVectors(row + j0, normals, bScale, rowFactor, job.BScale[0], job.Bipolar, count);
                for (; k < count; k++)
                {
                    var product = row[j0 + k];
                    var scale = rowFactor * (bScale == null ? job.BScale[0] : bScale[k]);
                    var sigma = job.Bipolar ? scale : MathF.Sqrt(MathF.Max(0f, product * scale));
                    row[j0 + k] = MathF.FusedMultiplyAdd(sigma, normals[k], product);
                }
            }
        }
    }

    /// <summary>The update of <see cref="AddNoiseRows"/> on whole vectors, the same float operations; returns how many
    /// outputs it did. <paramref name="bScale"/> is null for a per-tensor b scale (<paramref name="tensorB"/>).</summary>
    private static unsafe int AddVectors(float* row, float* normals, float* bScale, float rowFactor, float tensorB, bool bipolar, int count)
    {
        var k = 0;
        if (!Vector.IsHardwareAccelerated)
            return k;
        var factor = new Vector<float>(rowFactor);
        var tensorScale = factor * new Vector<float>(tensorB);
        for (; k + Vector<float>.Count <= count; k += Vector<float>.Count)
        {
            var product = Vector.Load(row + k);
            var scale = bScale == null ? tensorScale : factor * Vector.Load(bScale + k);
            var sigma = bipolar ? scale : Vector.SquareRoot(Vector.Max(Vector<float>.Zero, product * scale));
            Vector.Store(Vector.FusedMultiplyAdd(sigma, Vector.Load(normals + k), product), row + k);
        }

        return k;
    }

    private static unsafe void RowScaleRows(in ScaleRows job, int firstRow, int endRow)
    {
        for (var r = firstRow; r < endRow; r++)
            job.Result[r] = AbsMax(new ReadOnlySpan<float>(job.X + (long)r * job.D, job.D));
    }

    /// <summary>max |x| (0 for all zeros), as the scalar Math.Max(max, |v|) over finite values gives it.</summary>
    internal static float AbsMax(ReadOnlySpan<float> x)
    {
        var i = 0;
        var lanes = Vector<float>.Zero;
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
            lanes = Vector.Max(lanes, Vector.Abs(new Vector<float>(x.Slice(i))));
        var max = 0f;
        for (var k = 0; k < Vector<float>.Count; k++)
            max = Math.Max(max, lanes[k]);
        for (; i < x.Length; i++)
            max = Math.Max(max, Math.Abs(x[i]));
        return max;
    }

    private static float Max(ReadOnlySpan<float> x)
    {
        var max = 0f;
        foreach (var v in x)
            max = Math.Max(max, v);
        return max;
    }

    private unsafe struct ScaleRows
    {
        public float* X;
        public float* Result;
        public int D;
    }

    private unsafe struct NoiseRows
    {
        public float* Output;
        public float* AScale;
        public float* BScale;
        public bool PerRowA;
        public bool PerRowB;
        public int M;
        public double BaseSigma;
        public double VarianceFactor;
        public bool Bipolar;
        public ulong Seed;
        public ulong Stream;
    }
}
