using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Tests.Checkpoints;

namespace QRecipe.Cli.Tests;

/// <summary>A float32 safetensors checkpoint of the tiny DiT the run tests use (depth 2, hidden 32, 2 heads, patch 2,
/// latent 8, 10 classes) in the original key layout: seeded uniform weights of scale 1/√fan-in, biases within ±0.1,
/// then whatever <paramref name="edit"/> plants.</summary>
internal static class TinyDitCheckpoint
{
    public const string ModelLine = "model custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }";

    private static readonly ModelSpec Model = new("tiny", Depth: 2, Hidden: 32, Heads: 2, PatchSize: 2, LatentSize: 8, NumClasses: 10);

    public static string Write(string path, Action<Dictionary<string, float[]>> edit)
    {
        var random = new Random(5);
        // pos_embed is left out: it is the fixed sin-cos table, which the runtime recomputes.
        var shapes = DitKeys.Expected(Model).Where(k => k.Name != DitKeys.PosEmbed).ToList();
        var tensors = new Dictionary<string, float[]>();
        foreach (var (name, shape) in shapes)
        {
            var count = shape.Aggregate(1, (a, b) => a * b);
            var scale = shape.Length == 1 ? 0.1 : 1 / Math.Sqrt(shape.Skip(1).Aggregate(1, (a, b) => a * b));
            tensors[name] = Enumerable.Range(0, count).Select(_ => (float)((2 * random.NextDouble() - 1) * scale)).ToArray();
        }
        edit(tensors);
        SafetensorsFileWriter.WriteF32(path, shapes.Select(k => (k.Name, k.Shape, tensors[k.Name])).ToList());
        return path;
    }
}
