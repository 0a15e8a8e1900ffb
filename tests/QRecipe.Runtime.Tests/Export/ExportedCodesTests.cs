using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Export;
using QRecipe.Runtime.Tests.Checkpoints;

namespace QRecipe.Runtime.Tests.Export;

/// <summary>The file's integers against weights made so that their codes are known: every value a whole multiple of a
/// power-of-two step, so the grids and codes are exact and written down here without the quantizer.</summary>
public sealed class ExportedCodesTests : IDisposable
{
    private const string Recipe = "recipe Codes\nmodel custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }\nsampler ddim steps 2 cfg 1\n"
        + "weights int4 per-channel symmetric on qkv\nweights int2 per-tensor asymmetric on fc1\n";

    private readonly ExportTestFiles _files = new();

    // Row r of qkv holds k·(r + 1)/256 with k = ((j + r) mod 15) − 7: every row has |k| = 7, so its scale is (r + 1)/256.
    private static int QkvCode(int r, int j) => (j + r) % 15 - 7;

    // fc1 holds (j mod 4 − 1)/4: min −1/4, max 1/2, scale 3/4 / 3 = 1/4, zero round(1/4 / 1/4) = 1, code = j mod 4.
    private static float Fc1Value(int j) => (j % 4 - 1) / 4f;

    private string Checkpoint()
    {
        var plan = ExportTestFiles.Compile(Recipe);
        var random = new System.Random(3);
        var tensors = new List<(string, int[], float[])>();
        foreach (var (name, shape) in DitKeys.Expected(plan.Model).Where(k => k.Name != DitKeys.PosEmbed))
        {
            var count = shape.Aggregate(1, (a, b) => a * b);
            float[] values;
            if (name == "blocks.0.attn.qkv.weight")
                values = Enumerable.Range(0, count).Select(e => QkvCode(e / 32, e % 32) * (e / 32 + 1) / 256f).ToArray();
            else if (name == "blocks.0.mlp.fc1.weight")
                values = Enumerable.Range(0, count).Select(e => Fc1Value(e % 32)).ToArray();
            else
                values = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5) / 8).ToArray();
            tensors.Add((name, shape, values));
        }
        var path = System.IO.Path.Combine(_files.Folder, "float.safetensors");
        SafetensorsFileWriter.WriteF32(path, tensors);
        return path;
    }

    [Fact]
    public void Symmetric_int4_codes_are_stored_offset_by_8_two_per_byte_low_nibble_first()
    {
        var path = _files.Export(Recipe, Checkpoint());
        using var file = Runtime.Checkpoints.Checkpoint.OpenPacked(path);
        var bytes = file.Tensors["blocks.0.attn.qkv.weight.q4"].ToArray();
        Assert.Equal(96 * 32 / 2, bytes.Length);
        for (var b = 0; b < bytes.Length; b++)
        {
            int low = QkvCode(2 * b / 32, 2 * b % 32) + 8, high = QkvCode((2 * b + 1) / 32, (2 * b + 1) % 32) + 8;
            Assert.Equal(low | high << 4, (int)bytes[b]);
        }
        Assert.Equal(Enumerable.Range(0, 96).Select(r => (r + 1) / 256f), file.Tensors["blocks.0.attn.qkv.weight.scale"].ToArray());
        Assert.False(file.Tensors.TryGetValue("blocks.0.attn.qkv.weight.zero", out _));
    }

    [Fact]
    public void Asymmetric_int2_codes_are_four_per_byte_with_their_zero_point()
    {
        var path = _files.Export(Recipe, Checkpoint());
        using var file = Runtime.Checkpoints.Checkpoint.OpenPacked(path);
        // Codes 0, 1, 2, 3 repeat: 0 | 1 << 2 | 2 << 4 | 3 << 6 = 0xE4 in every byte.
        var bytes = file.Tensors["blocks.0.mlp.fc1.weight.q2"].ToArray();
        Assert.Equal(128 * 32 / 4, bytes.Length);
        Assert.All(bytes, b => Assert.Equal(0xE4, b));
        Assert.Equal(new[] { 0.25f }, file.Tensors["blocks.0.mlp.fc1.weight.scale"].ToArray());
        Assert.Equal(new[] { 1f }, file.Tensors["blocks.0.mlp.fc1.weight.zero"].ToArray());
    }

    [Fact]
    public void The_reader_gives_back_exactly_the_hand_made_weights()
    {
        var path = _files.Export(Recipe, Checkpoint());
        var plan = ExportTestFiles.Compile(Recipe);
        using var model = ExportedModel.Load(path, plan, Recipe, CpuBackend.Instance);
        var qkv = model.Weights.Blocks[0].Qkv;
        var values = model.Quantized.For(qkv, plan.Get(new QRecipe.Plan.Step(0), new QRecipe.Plan.Block(0), QRecipe.Plan.Operator.Qkv).Weights).ToArray<float>();
        Assert.Equal(Enumerable.Range(0, 96 * 32).Select(e => QkvCode(e / 32, e % 32) * (e / 32 + 1) / 256f), values);
        var fc1 = model.Weights.Blocks[0].Fc1;
        var fc1Values = model.Quantized.For(fc1, plan.Get(new QRecipe.Plan.Step(0), new QRecipe.Plan.Block(0), QRecipe.Plan.Operator.Fc1).Weights).ToArray<float>();
        Assert.Equal(Enumerable.Range(0, 128 * 32).Select(e => Fc1Value(e % 32)), fc1Values);
        // Layers the recipe leaves in float come back as float weights.
        Assert.True(model.Weights.Blocks[0].Proj.HoldsWeight);
        Assert.False(qkv.HoldsWeight);
    }

    public void Dispose() => _files.Dispose();
}
