using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using QRecipe.Language;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>
/// Where a float DiT forward spends its time, ours and ONNX Runtime's, per operation and per forward: ours through a
/// backend that times every call (<see cref="TimedBackend"/>; linear layers apart by weight shape), ONNX Runtime from
/// its session profile (kernel time per operator type of the optimised graph, so its fused operators show by name).
/// One warm-up forward each is left out.
/// </summary>
public static class DitProfileHarness
{
    public static void Run(string model, int forwards, string cache)
    {
        var plan = RecipeCompiler.Compile($"recipe Profile\nmodel {model} image 256\nsampler ddim steps 1\n").Plan
            ?? throw new InvalidOperationException($"{model}: not a catalogue model");
        var spec = plan.Model;
        var timed = TimedBackend.Create(CpuBackend.Instance);
        using (var weights = DitWeights.Synthetic(spec, CpuBackend.Instance, seed: 1))
        using (var dit = new DitModel(weights, timed))
        {
            const int batch = DitBenchModel.Batch;
            var latents = new float[batch * spec.InChannels * spec.LatentSize * spec.LatentSize];
            PhiloxRandom.FillNormal(latents, 2);
            using var x = Tensor.From(latents, batch, spec.InChannels, spec.LatentSize, spec.LatentSize);
            using var t = Tensor.From(new[] { 999f, 500f }, batch);
            using var y = Tensor.From(new[] { 207, 360 }, batch);
            using var output = Tensor.Empty(batch, spec.OutChannels, spec.LatentSize, spec.LatentSize);
            dit.Forward(x, t, y, output);
            ((TimedBackend)(object)timed).Totals.Clear();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < forwards; i++)
                dit.Forward(x, t, y, output);
            Print("ours", watch.Elapsed.TotalMilliseconds / forwards, ((TimedBackend)(object)timed).Totals, forwards);
        }

        var prefix = Path.Combine(Path.GetTempPath(), $"ort-profile-{Environment.ProcessId}");
        using var ort = OrtDit.Open(cache, model, prefix);
        ort.Run();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < forwards; i++)
            ort.Run();
        var wall = clock.Elapsed.TotalMilliseconds / forwards;
        var trace = ort.EndProfiling();
        var totals = new Dictionary<string, double>();
        using (var document = JsonDocument.Parse(File.ReadAllText(trace)))
        {
            // Events are in order: the first forward's kernels come before the timed ones; skip one forward's worth.
            var kernels = document.RootElement.EnumerateArray()
                .Where(e => e.TryGetProperty("cat", out var cat) && cat.GetString() == "Node"
                            && e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
                .ToList();
            var perForward = kernels.Count / (forwards + 1);
            foreach (var e in kernels.Skip(perForward))
            {
                var op = e.GetProperty("args").GetProperty("op_name").GetString()!;
                totals[op] = totals.GetValueOrDefault(op) + e.GetProperty("dur").GetDouble() / 1e3;
            }
        }
        File.Delete(trace);
        Print("ort", wall, totals, forwards);
    }

    private static void Print(string side, double wallMs, Dictionary<string, double> totals, int forwards)
    {
        Console.WriteLine($"{side}: {wallMs:F1} ms per forward; per operation, ms per forward:");
        foreach (var (name, ms) in totals.OrderByDescending(p => p.Value))
            Console.WriteLine($"  {ms / forwards,9:F2}  {name}");
    }
}

/// <summary>An <see cref="ITensorBackend"/> that forwards every call to another and adds up the wall time per
/// operation (linear layers per weight shape).</summary>
public class TimedBackend : DispatchProxy
{
    private ITensorBackend _inner = null!;

    public Dictionary<string, double> Totals { get; } = new();

    public static ITensorBackend Create(ITensorBackend inner)
    {
        var proxy = Create<ITensorBackend, TimedBackend>();
        ((TimedBackend)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        var watch = Stopwatch.StartNew();
        var result = method!.Invoke(_inner, args);
        var ms = watch.Elapsed.TotalMilliseconds;
        var key = method.Name is "Linear" or "LinearGelu" && args![1] is Tensor w ? $"{method.Name} {w.Shape}" : method.Name;
        Totals[key] = Totals.GetValueOrDefault(key) + ms;
        return result;
    }
}
