using System;
using System.Numerics;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>
/// GroupNorm over [N, C, P] (P positions): each (image, group) is one contiguous block of C/G·P values, normalised
/// with its mean and biased variance, then scaled and shifted per channel. Blocks reach 260 000 values in a 256×256
/// decode, so the sums are taken in float vectors over short runs and accumulated in double, and the variance is
/// a second pass over the deviations (no cancellation). A run whose float sum overflows (|x| beyond ~1e19) is summed
/// again in double, so huge activations are normalised rather than collapsing to the bias.
/// </summary>
internal static unsafe class GroupNorm
{
    /// <summary>Values summed in float before the partial sum is moved into the double accumulator.</summary>
    private const int Run = 1024;

    public static void Normalize(float* input, float* gamma, float* beta, float* output, int images, int channels, int positions, int groups, float epsilon)
    {
        var operands = new Operands
        {
            Input = input, Output = output, Gamma = gamma, Beta = beta, Groups = groups,
            ChannelsPerGroup = channels / groups, Positions = positions, Epsilon = epsilon,
        };
        RangeParallel<Operands>.For(images * groups, (long)images * channels * positions, operands, &Blocks);
    }

    private struct Operands
    {
        public float* Input;
        public float* Output;
        public float* Gamma;
        public float* Beta;
        public int Groups;
        public int ChannelsPerGroup;
        public int Positions;
        public float Epsilon;
    }

    private static void Blocks(in Operands o, int first, int end)
    {
        var size = (long)o.ChannelsPerGroup * o.Positions;
        for (var block = first; block < end; block++)
        {
            var x = o.Input + block * size;
            var y = o.Output + block * size;
            var mean = Sum(x, size, 0f) / size;
            var variance = Sum(x, size, (float)mean, squared: true) / size;
            var inverse = (float)(1.0 / Math.Sqrt(variance + o.Epsilon));
            var firstChannel = block % o.Groups * o.ChannelsPerGroup;
            for (var c = 0; c < o.ChannelsPerGroup; c++)
            {
                // x̂·γ + β = x·s + t with s = γ/σ and t = β − mean·s: one fused multiply-add per value.
                var scale = o.Gamma[firstChannel + c] * inverse;
                var shift = o.Beta[firstChannel + c] - (float)mean * scale;
                Affine(x + (nint)c * o.Positions, y + (nint)c * o.Positions, o.Positions, scale, shift);
            }
        }
    }

    /// <summary>Σ x, or Σ (x − center)² when <paramref name="squared"/>.</summary>
    private static double Sum(float* x, long count, float center, bool squared = false)
    {
        var lanes = Vector<float>.Count;
        var c = new Vector<float>(center);
        double total = 0;
        for (long start = 0; start < count; start += Run)
        {
            var length = (int)Math.Min(Run, count - start);
            var p = x + start;
            var acc = Vector<float>.Zero;
            var i = 0;
            for (; i <= length - lanes; i += lanes)
            {
                var v = Vector.Load(p + i) - c;
                acc += squared ? v * v : v;
            }

            var partial = Vector.Sum(acc);
            for (; i < length; i++)
            {
                var v = p[i] - center;
                partial += squared ? v * v : v;
            }

            // Float32 squares (or sums) overflow beyond |x| ~ 1e19; such a run is summed again in double.
            total += float.IsFinite(partial) ? partial : SumInDouble(p, length, center, squared);
        }

        return squared ? total : total + (double)center * count;
    }

    private static double SumInDouble(float* x, int count, float center, bool squared)
    {
        double sum = 0;
        for (var i = 0; i < count; i++)
        {
            var v = (double)x[i] - center;
            sum += squared ? v * v : v;
        }

        return sum;
    }

    private static void Affine(float* x, float* y, int count, float scale, float shift)
    {
        var lanes = Vector<float>.Count;
        var s = new Vector<float>(scale);
        var t = new Vector<float>(shift);
        var i = 0;
        for (; i <= count - lanes; i += lanes)
            Vector.FusedMultiplyAdd(Vector.Load(x + i), s, t).Store(y + i);
        for (; i < count; i++)
            y[i] = MathF.FusedMultiplyAdd(x[i], scale, shift);
    }
}
