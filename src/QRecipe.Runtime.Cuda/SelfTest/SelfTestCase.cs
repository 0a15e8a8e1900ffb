using System;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Cuda.Backend;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Cuda.SelfTest;

/// <summary>A named check run on a device; <see cref="Compare"/> turns two results into a verdict.</summary>
public sealed record SelfTestCase(string Name, Func<SelfTestContext, SelfTestResult> Run)
{
    /// <summary>Seeded values, uniform in [−scale, scale): input <paramref name="stream"/> of every check.</summary>
    public static float[] Values(int count, ulong stream, float scale = 2f)
    {
        var values = new float[count];
        PhiloxRandom.FillUniform(values, seed: 2026, stream, -scale, scale);
        return values;
    }

    public static SelfTestResult Compare(string name, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        if (expected.Length != actual.Length)
            return new SelfTestResult(name, false, double.NaN, tolerance, $"{actual.Length} values, expected {expected.Length}");
        double worst = 0, largest = 0;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(expected[i]));
            var difference = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(difference) || difference > worst)
            {
                worst = double.IsNaN(difference) ? double.PositiveInfinity : difference;
                at = i;
            }
        }

        var error = worst / Math.Max(1, largest);
        var detail = at < 0 ? $"{expected.Length} values" : $"{expected.Length} values; worst at {at}: {actual[at]} vs {expected[at]}";
        return new SelfTestResult(name, error <= tolerance, error, tolerance, detail);
    }

    public static SelfTestResult Exact(string name, int[] expected, int[] actual)
    {
        if (expected.Length != actual.Length)
            return new SelfTestResult(name, false, double.NaN, 0, $"{actual.Length} values, expected {expected.Length}");
        var first = -1;
        var mismatches = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] == actual[i])
                continue;
            mismatches++;
            first = first < 0 ? i : first;
        }

        var detail = mismatches == 0
            ? $"{expected.Length} integer accumulators identical"
            : $"{mismatches} of {expected.Length} integer accumulators differ; first at {first}: {actual[first]} vs {expected[first]}";
        return new SelfTestResult(name, mismatches == 0, mismatches == 0 ? 0 : 1, 0, detail);
    }
}

/// <summary>What a check needs: the device, the CUDA backend over it, and the CPU backend as the reference.</summary>
public sealed record SelfTestContext(CudaDevice Device, CudaBackend Cuda, CudaBlas Blas, ITensorBackend Cpu);
