using System;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using QRecipe.Plan;
using QRecipe.Plan.Models;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>
/// What the NaN/±∞ checks cost (docs/cli.md, docs/checkpoints.md), each against its peer in the same run:
/// the checks a DiT forward makes of its operators' outputs against that forward, and the scan at load of weights of
/// DiT-XL/2's size (675 M floats). The forward's checks are timed inside it, on the tensors and cache state the forward
/// leaves: a second model's backend forwards every call to the CPU backend and times only CountNonFinite; forwards
/// with the plain backend and with the timed one alternate, so the host's load moves both alike.
/// </summary>
public static class FiniteCheckHarness
{
    public static void Run(int iterations)
    {
        // small_custom's model with 4 samples, DiT-S/2 with 2 samples, DiT-XL/2's width with 1 sample (4 of its 28
        // blocks: each block costs the same, and 28 take about 10 s per forward here).
        Forward("small custom (depth 4, hidden 128, 16x16 latents), 4 samples", new ModelSpec("custom", 4, 128, 4, 2, 16, 10), 4, iterations);
        Forward("dit-s/2 at 256, 2 samples", ModelCatalog.Find("dit-s/2", 256)!, 2, Math.Max(1, iterations / 4));
        var xl = ModelCatalog.Find("dit-xl/2", 256)!;
        Forward("dit-xl/2 width (4 of 28 blocks) at 256, 1 sample", xl with { Depth = 4 }, 1, Math.Max(1, iterations / 20));
        WeightScan(xl);
    }

    private static void Forward(string name, ModelSpec model, int samples, int iterations)
    {
        var cpu = CpuBackend.Instance;
        var timed = DispatchProxy.Create<ITensorBackend, TimedCounts>();
        ((TimedCounts)(object)timed).Inner = cpu;
        using var weights = DitWeights.Synthetic(model, cpu, 0);
        using var plain = new DitModel(weights, cpu);
        using var probed = new DitModel(weights, timed);
        using var x = Tensor.Empty(samples, model.InChannels, model.LatentSize, model.LatentSize);
        cpu.RandomNormal(x, 1);
        using var t = Tensor.From(Enumerable.Repeat(500f, samples).ToArray(), samples);
        using var labels = Tensor.From(Enumerable.Range(1, samples).ToArray(), samples);
        using var output = Tensor.Empty(samples, model.OutChannels, model.LatentSize, model.LatentSize);
        // Tiered JIT: the first forwards run unoptimised code.
        for (var warm = 0; warm < 3; warm++)
        {
            plain.ForwardWithCfg(x, t, labels, 1.5f, output);
            probed.ForwardWithCfg(x, t, labels, 1.5f, output);
        }
        var counts = (TimedCounts)(object)timed;
        counts.Reset();
        long forwardTicks = 0;
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            plain.ForwardWithCfg(x, t, labels, 1.5f, output);
            forwardTicks += Stopwatch.GetTimestamp() - start;
            probed.ForwardWithCfg(x, t, labels, 1.5f, output);
        }
        double forward = Milliseconds(forwardTicks) / iterations, checks = Milliseconds(counts.Ticks) / iterations;
        Console.WriteLine($"{name}: forward with guidance {forward:F2} ms; its {counts.Calls / iterations} checks of {counts.Elements / iterations:N0} values "
            + $"{checks:F3} ms = {100 * checks / forward:F2}% ({iterations} forwards)");
    }

    private static void WeightScan(ModelSpec xl)
    {
        var tensors = DitKeys.Expected(xl).Where(k => k.Name != DitKeys.PosEmbed)
            .Select(k => new float[k.Shape.Aggregate(1L, (a, b) => a * b)]).ToArray();
        var random = new Random(1);
        foreach (var tensor in tensors)
            tensor.AsSpan().Fill((float)random.NextDouble());
        var count = tensors.Sum(t => (long)t.Length);
        var best = double.MaxValue;
        for (var rep = 0; rep < 3; rep++)
        {
            var start = Stopwatch.GetTimestamp();
            long bad = 0;
            foreach (var tensor in tensors)
                bad += FiniteValues.CountNonFinite(tensor);
            best = Math.Min(best, Milliseconds(Stopwatch.GetTimestamp() - start) / 1000);
            if (bad != 0)
                throw new InvalidOperationException($"{bad} non-finite values in finite weights");
        }
        Console.WriteLine($"weight scan at load, dit-xl/2 ({tensors.Length} tensors, {count:N0} floats): {best:F3} s = {count * 4 / best / 1e9:F1} GB/s (best of 3)");
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>A backend that forwards every call and times <see cref="ITensorBackend.CountNonFinite"/>.</summary>
    public class TimedCounts : DispatchProxy
    {
        public ITensorBackend Inner { get; set; } = null!;

        public long Ticks { get; private set; }

        public long Calls { get; private set; }

        public long Elements { get; private set; }

        public void Reset() => (Ticks, Calls, Elements) = (0, 0, 0);

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name != nameof(ITensorBackend.CountNonFinite))
                return method.Invoke(Inner, args);
            var start = Stopwatch.GetTimestamp();
            var result = method.Invoke(Inner, args);
            Ticks += Stopwatch.GetTimestamp() - start;
            Calls++;
            Elements += ((Tensor)args![0]!).ElementCount;
            return result;
        }
    }
}
