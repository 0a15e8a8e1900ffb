using System;
using System.Threading.Tasks;
using QRecipe.Language.Plan;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// The Gaussian noise surrogate of exact SC (sc-kernels.md §10.2): out = a·bᵀ + ε with ε ~ N(0, σ²) i.i.d. per
/// output. Bipolar: σ[n,m] = sqrt(D / L² · c) · a_scale[n] · b_scale[m], the scales being abs-maxima (not divided by
/// qmax): per row for per-row scaling, per slice for 3-D (per-head) operands, per tensor otherwise. Unipolar:
/// σ² = max(0, (a·bᵀ)·a_scale·b_scale / L² · c). c = 0 gives the plain product; L ≤ 0 (pruned) gives zeros.
/// ε is reproducible: output i of the call uses normal i of Philox stream (seed, stream), see <see cref="PhiloxRandom"/>.
/// </summary>
public static class ScNoiseSurrogate
{
    /// <summary>σ of one output for bipolar operands (TV-28).</summary>
    public static double Sigma(int d, int stream, double c, double aScale, double bScale) =>
        Math.Sqrt((double)d / ((double)stream * stream) * c) * aScale * bScale;

    /// <summary>2-D product; <paramref name="perRow"/> selects per-row abs-max scales and the local coefficient.</summary>
    public static float[] Multiply(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d, int stream, NoiseModel noise,
        bool perRow, ScMode mode, ulong seed, ulong streamId = 0)
    {
        ScInput.Validate(a, b, 1, n, m, d, default);
        var output = new float[n * m];
        if (stream <= 0)
            return output;
        Product(a, n, b, m, d, output);
        var aScale = AbsMax(a, n, d, perRow);
        var bScale = AbsMax(b, m, d, perRow);
        AddNoise(output, n, m, d, stream, perRow ? noise.Local : noise.Global, aScale, bScale, mode, seed, streamId);
        return output;
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
            var result = new float[n * m];
            Product(sa, n, sb, m, d, result);
            AddNoise(result, n, m, d, stream, noise.Local, AbsMax(sa, n, d, false), AbsMax(sb, m, d, false), mode, seed,
                streamId + (ulong)s);
            result.CopyTo(slice);
        }

        return output;
    }

    private static unsafe void Product(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d, float[] output)
    {
        fixed (float* pa = a, pb = b, pc = output)
        {
            Sgemm.Multiply(new GemmProblem(n, m, d, 1f, MatrixView.RowMajor(pa, d, false), MatrixView.RowMajor(pb, d, true),
                pc, m, null));
        }
    }

    private static void AddNoise(float[] output, int n, int m, int d, int stream, double c, float[] aScale, float[] bScale,
        ScMode mode, ulong seed, ulong streamId)
    {
        if (c == 0)
            return;
        var noise = new float[n * m];
        PhiloxRandom.FillNormal(noise, seed, streamId);
        var baseSigma = Math.Sqrt(d * c) / stream;
        var varianceFactor = c / ((double)stream * stream);
        Parallel.For(0, n, i =>
        {
            for (var j = 0; j < m; j++)
            {
                var scales = (double)aScale[aScale.Length == 1 ? 0 : i] * bScale[bScale.Length == 1 ? 0 : j];
                var index = i * m + j;
                var sigma = mode == ScMode.Bipolar
                    ? baseSigma * scales
                    : Math.Sqrt(Math.Max(0, output[index] * scales * varianceFactor));
                output[index] = (float)(output[index] + sigma * noise[index]);
            }
        });
    }

    /// <summary>max |x| per row, or over the whole operand (one entry).</summary>
    private static float[] AbsMax(ReadOnlySpan<float> x, int rows, int d, bool perRow)
    {
        var result = new float[perRow ? rows : 1];
        for (var r = 0; r < rows; r++)
        {
            var max = 0f;
            foreach (var v in x.Slice(r * d, d))
                max = Math.Max(max, Math.Abs(v));
            result[perRow ? r : 0] = Math.Max(result[perRow ? r : 0], max);
        }

        return result;
    }
}
