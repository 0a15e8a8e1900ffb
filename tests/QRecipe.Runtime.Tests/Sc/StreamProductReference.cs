using System;

namespace QRecipe.TestReference;

/// <summary>
/// What a bitstream SC product should give, computed from the documented formulas alone (docs/sc-engine.md,
/// "Quantization" and "Legacy kernels") and sharing no code with the engine: per-row quantization of both operands, the
/// quantized product a_int·b_intᵀ·scale_a·scale_b in float64, and the standard deviation of an ideal stream estimator of
/// it. The ideal estimator gives a and b independent Bernoulli streams of L cycles whose one-probabilities represent
/// the integers exactly: bipolar P = (1 + x/qmax)/2 combined by XNOR, decoded (2·ones/L − 1)·qmax²; unipolar
/// P = x/qmax combined by AND, decoded ones/L·qmax² plus the exact zero-point terms. Each dimension's term is then an
/// unbiased, scaled binomial mean, so the output (i, j) has mean Q[i, j] and variance Σ_d c²·q_d(1 − q_d)/L with q_d
/// the dimension's one-probability (c = 2·qmax² for XNOR, qmax² for AND, times scale_a·scale_b).
/// Linked into the CLI tests as well.
/// </summary>
internal static class StreamProductReference
{
    /// <summary>Mean (the quantized product) and standard deviation of every output, n×m row-major.</summary>
    public readonly record struct Expectation(double[] Mean, double[] Sd);

    /// <summary>Bipolar per-row operands: scale = max(max|x|, 1e-5)/qmax in fp32, x_int = clamp(round_half_even(fp32
    /// x/scale), ±qmax), qmax = 2^(p−1) − 1.</summary>
    public static (int[] Values, double[] Scales) Bipolar(float[] x, int rows, int dims, int p)
    {
        var qmax = (1 << (p - 1)) - 1;
        var values = new int[rows * dims];
        var scales = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var absMax = 0f;
            for (var d = 0; d < dims; d++)
                absMax = Math.Max(absMax, Math.Abs(x[r * dims + d]));
            var scale = Math.Max(absMax, 1e-5f) / qmax;
            scales[r] = scale;
            for (var d = 0; d < dims; d++)
                values[r * dims + d] = (int)Math.Clamp(MathF.Round(x[r * dims + d] / scale), -qmax, qmax);
        }

        return (values, scales);
    }

    /// <summary>Unipolar per-row operands: scale = max(max − min, 1e-5)/qmax and zp = clamp(round(−min/scale), 0, qmax)
    /// in fp32, x_int = clamp(round(x/scale + zp), 0, qmax), qmax = 2^p − 1.</summary>
    public static (int[] Values, double[] Scales, double[] ZeroPoints) Unipolar(float[] x, int rows, int dims, int p)
    {
        var qmax = (1 << p) - 1;
        var values = new int[rows * dims];
        var scales = new double[rows];
        var zeroPoints = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            float min = float.MaxValue, max = float.MinValue;
            for (var d = 0; d < dims; d++)
                (min, max) = (Math.Min(min, x[r * dims + d]), Math.Max(max, x[r * dims + d]));
            var scale = Math.Max(max - min, 1e-5f) / qmax;
            var zp = Math.Clamp(MathF.Round(-min / scale), 0f, qmax);
            (scales[r], zeroPoints[r]) = (scale, zp);
            for (var d = 0; d < dims; d++)
                values[r * dims + d] = (int)Math.Clamp(MathF.Round(x[r * dims + d] / scale + zp), 0f, qmax);
        }

        return (values, scales, zeroPoints);
    }

    /// <summary>The XNOR product of a (n×d) and b (m×d) at precision p and stream length L.</summary>
    public static Expectation Xnor(float[] a, int n, float[] b, int m, int dims, int p, int length)
    {
        var qmax = (double)((1 << (p - 1)) - 1);
        var (va, sa) = Bipolar(a, n, dims, p);
        var (vb, sb) = Bipolar(b, m, dims, p);
        var mean = new double[n * m];
        var sd = new double[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                double sum = 0, variance = 0;
                for (var d = 0; d < dims; d++)
                {
                    double xa = va[i * dims + d], xb = vb[j * dims + d];
                    sum += xa * xb;
                    double pa = (1 + xa / qmax) / 2, pb = (1 + xb / qmax) / 2;
                    var q = pa * pb + (1 - pa) * (1 - pb);
                    variance += 4 * qmax * qmax * qmax * qmax * q * (1 - q) / length;
                }

                var scale = sa[i] * sb[j];
                (mean[i * m + j], sd[i * m + j]) = (sum * scale, Math.Sqrt(variance) * scale);
            }
        }

        return new Expectation(mean, sd);
    }

    /// <summary>The AND product of a (n×d) and b (m×d) at precision p and stream length L, zero points included.</summary>
    public static Expectation And(float[] a, int n, float[] b, int m, int dims, int p, int length)
    {
        var qmax = (double)((1 << p) - 1);
        var (va, sa, za) = Unipolar(a, n, dims, p);
        var (vb, sb, zb) = Unipolar(b, m, dims, p);
        var mean = new double[n * m];
        var sd = new double[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                double sum = 0, variance = 0;
                for (var d = 0; d < dims; d++)
                {
                    double xa = va[i * dims + d], xb = vb[j * dims + d];
                    // (x_a − zp_a)(x_b − zp_b) summed: the product term and the exact zero-point correction.
                    sum += (xa - za[i]) * (xb - zb[j]);
                    var q = xa / qmax * (xb / qmax);
                    variance += qmax * qmax * qmax * qmax * q * (1 - q) / length;
                }

                var scale = sa[i] * sb[j];
                (mean[i * m + j], sd[i * m + j]) = (sum * scale, Math.Sqrt(variance) * scale);
            }
        }

        return new Expectation(mean, sd);
    }

    /// <summary>a·bᵀ in float64.</summary>
    public static double[] Exact(float[] a, int n, float[] b, int m, int dims)
    {
        var product = new double[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                double sum = 0;
                for (var d = 0; d < dims; d++)
                    sum += (double)a[i * dims + d] * b[j * dims + d];
                product[i * m + j] = sum;
            }
        }

        return product;
    }

    /// <summary>Standard normal operands from System.Random (Box–Muller), independent of the engine's generators.</summary>
    public static float[] Normal(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return values;
    }
}
