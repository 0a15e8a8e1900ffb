using System;
using System.Collections.Generic;
using QRecipe.Runtime.Quantization.SecondOrder;

namespace QRecipe.Benchmarks;

/// <summary>GPTQ's float64 factorisation and inverse (<see cref="CholeskyInverse.UpperOfInverseInPlace"/>, on a fresh copy each round, the copy untimed) on a Hessian-like
/// matrix of DiT-XL/2's widths (1152: qkv, proj, fc1, adaLN inputs; 4608: fc2's), median of the rounds.</summary>
public static class CholeskyHarness
{
    public static void Run(int rounds)
    {
        Console.WriteLine($"# GPTQ U = chol(H⁻¹) upper, float64, median of {rounds}");
        foreach (var n in new[] { 1152, 4608 })
        {
            var h = Hessian(n);
            var work = new double[h.Length];
            var seconds = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                Array.Copy(h, work, h.Length);
                seconds.Add(HarnessTiming.Seconds(() => CholeskyInverse.UpperOfInverseInPlace(work, n)));
            }
            var median = HarnessTiming.Median(seconds);
            Console.WriteLine($"n = {n}: {median:F2} s ({2.0 / 3 * n * n * n / median / 1e9:F1} GFLOP/s counting n³/3 + n³/3)");
        }
    }

    /// <summary>XXᵀ/rows + I for X of n rows and 2n columns of layer-input-like values (every 17th row 40× larger).</summary>
    private static double[] Hessian(int n)
    {
        var h = new double[(long)n * n];
        var random = new Random(n);
        var columns = 2 * n;
        var x = new float[(long)n * columns];
        for (var i = 0; i < x.Length; i++)
            x[i] = (float)(random.NextDouble() - 0.4) * (i / columns % 17 == 0 ? 40f : 1f);
        System.Threading.Tasks.Parallel.For(0, n, i =>
        {
            for (var j = 0; j <= i; j++)
            {
                double sum = 0;
                for (var k = 0; k < columns; k++) sum += x[(long)i * columns + k] * (double)x[(long)j * columns + k];
                h[(long)i * n + j] = h[(long)j * n + i] = sum / columns + (i == j ? 1 : 0);
            }
        });
        return h;
    }
}
