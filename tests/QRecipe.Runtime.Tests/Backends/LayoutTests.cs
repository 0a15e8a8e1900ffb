using System;
using System.Linq;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>Data-movement operations: exact, so compared element for element against index formulas.</summary>
public sealed class LayoutTests
{
    private static readonly CpuBackend Backend = CpuBackend.Instance;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Concat_then_split_round_trips_along_any_axis(int axis)
    {
        int[][] shapes = [[2, 3, 5], [2, 3, 5], [2, 3, 5]];
        shapes[1][axis] = 1;
        shapes[2][axis] = 4;
        var parts = shapes.Select((s, i) => TestData.Uniform(i, 1f, s)).ToArray();
        var wholeShape = new[] { 2, 3, 5 };
        wholeShape[axis] = shapes.Sum(s => s[axis]);
        using var whole = Tensor.Empty(new TensorShape(wholeShape));
        Backend.Concat(parts, axis, whole);

        var values = whole.ToArray<float>();
        var strides = new[] { wholeShape[1] * wholeShape[2], wholeShape[2], 1 };
        for (var p = 0; p < parts.Length; p++)
        {
            var offset = shapes.Take(p).Sum(s => s[axis]);
            var s = shapes[p];
            var partValues = parts[p].ToArray<float>();
            for (var i = 0; i < partValues.Length; i++)
            {
                int[] index = [i / (s[1] * s[2]), i / s[2] % s[1], i % s[2]];
                index[axis] += offset;
                Assert.Equal(partValues[i], values[index[0] * strides[0] + index[1] * strides[1] + index[2] * strides[2]]);
            }
        }

        var back = shapes.Select(s => Tensor.Empty(new TensorShape(s))).ToArray();
        Backend.Split(whole, axis, back);
        for (var p = 0; p < parts.Length; p++)
            Assert.Equal(parts[p].ToArray<float>(), back[p].ToArray<float>());
        foreach (var t in parts.Concat(back))
            t.Dispose();
    }

    [Fact]
    public void Chunk_gives_the_six_adaln_chunks_in_order()
    {
        using var m = Tensor.From(Enumerable.Range(0, 2 * 12).ToArray(), 2, 12);
        var chunks = Backend.Chunk(m, 6, -1);
        Assert.Equal(6, chunks.Length);
        Assert.Equal(new[] { 4, 5, 16, 17 }, chunks[2].ToArray<int>());
        Assert.Equal(new TensorShape(2, 2), chunks[5].Shape);
        foreach (var c in chunks)
            c.Dispose();
        Assert.Throws<ShapeMismatchException>(() => Backend.Chunk(m, 5, 1));
    }

    [Fact]
    public void Split_sizes_that_do_not_add_up_name_both_shapes()
    {
        using var whole = Tensor.Empty(4, 6);
        using var a = Tensor.Empty(4, 2);
        using var b = Tensor.Empty(4, 3);
        var error = Assert.Throws<ShapeMismatchException>(() => Backend.Split(whole, 1, [a, b]));
        Assert.Contains("Split", error.Message);
        Assert.Contains("[4, 6]", error.Message);
    }

    [Theory]
    [InlineData(1, 4, 8, 2)]
    [InlineData(2, 3, 6, 3)]
    public void Patchify_and_unpatchify_follow_their_documented_layouts(int n, int c, int size, int p)
    {
        var g = size / p;
        using var latent = TestData.Uniform(7, 1f, n, c, size, size);
        using var tokens = Tensor.Empty(n, g * g, c * p * p);
        Backend.Patchify(latent, p, tokens);
        var l = latent.ToArray<float>();
        var t = tokens.ToArray<float>();
        for (var s = 0; s < n; s++)
            for (var r = 0; r < g; r++)
                for (var col = 0; col < g; col++)
                    for (var ch = 0; ch < c; ch++)
                        for (var ky = 0; ky < p; ky++)
                            for (var kx = 0; kx < p; kx++)
                                Assert.Equal(l[((s * c + ch) * size + r * p + ky) * size + col * p + kx], t[(s * g * g + r * g + col) * c * p * p + ch * p * p + ky * p + kx]);

        using var image = Tensor.Empty(n, c, size, size);
        Backend.Unpatchify(tokens, p, image);
        var o = image.ToArray<float>();
        for (var s = 0; s < n; s++)
            for (var r = 0; r < g; r++)
                for (var col = 0; col < g; col++)
                    for (var py = 0; py < p; py++)
                        for (var px = 0; px < p; px++)
                            for (var ch = 0; ch < c; ch++)
                                Assert.Equal(t[(s * g * g + r * g + col) * p * p * c + (py * p + px) * c + ch], o[((s * c + ch) * size + r * p + py) * size + col * p + px]);
    }

    [Fact]
    public void Heads_split_from_qkv_and_merge_back()
    {
        const int n = 2, t = 5, h = 3, hd = 4, d = h * hd;
        using var qkv = TestData.Uniform(8, 1f, n, t, 3 * d);
        using var q = Tensor.Empty(n, h, t, hd);
        using var k = Tensor.Empty(n, h, t, hd);
        using var v = Tensor.Empty(n, h, t, hd);
        Backend.SplitHeads(qkv, q, k, v);
        var source = qkv.ToArray<float>();
        var parts = new[] { q.ToArray<float>(), k.ToArray<float>(), v.ToArray<float>() };
        for (var which = 0; which < 3; which++)
            for (var s = 0; s < n; s++)
                for (var head = 0; head < h; head++)
                    for (var token = 0; token < t; token++)
                        for (var j = 0; j < hd; j++)
                            Assert.Equal(source[(s * t + token) * 3 * d + which * d + head * hd + j], parts[which][((s * h + head) * t + token) * hd + j]);

        using var merged = Tensor.Empty(n, t, d);
        Backend.MergeHeads(k, merged);
        using var kTokens = Tensor.Empty(n, t, d);
        var expected = new float[n * t * d];
        for (var s = 0; s < n; s++)
            for (var token = 0; token < t; token++)
                Array.Copy(source, (s * t + token) * 3 * d + d, expected, (s * t + token) * d, d);
        Assert.Equal(expected, merged.ToArray<float>());
    }

    [Fact]
    public void Head_layouts_refuse_mismatched_shapes_and_types()
    {
        using var qkv = Tensor.Empty(2, 5, 20);
        using var q = Tensor.Empty(2, 2, 5, 4);
        using var ints = Tensor.Empty(new TensorShape(2, 2, 5, 4), DataType.Int32);
        var split = Assert.Throws<ShapeMismatchException>(() => Backend.SplitHeads(qkv, q, q, q));
        Assert.Equal("SplitHeads: shapes [2, 5, 20] and [2, 2, 5, 4] do not match (qkv must be [N, T, 3·H·hd] for heads [N, H, T, hd])", split.Message);
        var type = Assert.Throws<ArgumentException>(() => Backend.SplitHeads(qkv, q, q, ints));
        Assert.Equal("SplitHeads: tensor [2, 2, 5, 4] is int32, expected float32", type.Message);
        using var merged = Tensor.Empty(2, 5, 9);
        var merge = Assert.Throws<ShapeMismatchException>(() => Backend.MergeHeads(q, merged));
        Assert.Equal("MergeHeads: shapes [2, 2, 5, 4] and [2, 5, 9] do not match (merged must be [N, T, H·hd] for heads [N, H, T, hd])", merge.Message);
    }

    [Fact]
    public void Embedding_lookup_refuses_bad_ids_and_shapes_before_writing()
    {
        using var table = TestData.Uniform(9, 1f, 3, 5);
        using var ids = Tensor.From(new[] { 0, -1 }, 2);
        using var output = Tensor.Zeros(new TensorShape(2, 5));
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.EmbeddingLookup(table, ids, output));
        Assert.Equal("EmbeddingLookup: id -1 at position 1 is outside the table's 3 rows (Parameter 'ids')", range.Message);
        Assert.All(output.ToArray<float>(), x => Assert.Equal(0f, x));
        using var floats = Tensor.Empty(2);
        var type = Assert.Throws<ArgumentException>(() => Backend.EmbeddingLookup(table, floats, output));
        Assert.Equal("EmbeddingLookup: ids [2] are float32, expected int32", type.Message);
        using var narrow = Tensor.Empty(2, 4);
        var shape = Assert.Throws<ShapeMismatchException>(() => Backend.EmbeddingLookup(table, ids, narrow));
        Assert.Equal("EmbeddingLookup: shapes [2, 5] and [2, 4] do not match (output must be ids' shape plus the table width)", shape.Message);
    }

    [Fact]
    public void Copy_fill_and_embedding_lookup()
    {
        using var ids = Tensor.From(new[] { 2, 0, 2 }, 3);
        using var labels = Tensor.Empty(new TensorShape(3), DataType.Int32);
        Backend.Copy(ids, labels);
        Assert.Equal(new[] { 2, 0, 2 }, labels.ToArray<int>());
        Backend.Fill(labels, 1000);
        Assert.Equal(new[] { 1000, 1000, 1000 }, labels.ToArray<int>());

        using var table = TestData.Uniform(9, 1f, 3, 5);
        using var rows = Tensor.Empty(3, 5);
        Backend.EmbeddingLookup(table, ids, rows);
        var tab = table.ToArray<float>();
        Assert.Equal(tab[10..15].Concat(tab[0..5]).Concat(tab[10..15]).ToArray(), rows.ToArray<float>());
        Backend.Fill(rows, 0.5);
        Assert.All(rows.ToArray<float>(), x => Assert.Equal(0.5f, x));

        using var bad = Tensor.From(new[] { 3 }, 1);
        using var one = Tensor.Empty(1, 5);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.EmbeddingLookup(table, bad, one));
        Assert.Contains("id 3", error.Message);
    }

    [Fact]
    public void Guidance_mixes_only_the_guided_channels()
    {
        using var combined = TestData.Uniform(10, 1f, 4, 3, 2, 2);
        using var output = Tensor.Empty(2, 3, 2, 2);
        Backend.ClassifierFreeGuidance(combined, 2, 4f, output);
        var all = combined.ToArray<float>();
        var o = output.ToArray<float>();
        for (var n = 0; n < 2; n++)
            for (var c = 0; c < 3; c++)
                for (var i = 0; i < 4; i++)
                {
                    double cond = all[(n * 3 + c) * 4 + i], uncond = all[((n + 2) * 3 + c) * 4 + i];
                    var expected = c < 2 ? uncond + 4 * (cond - uncond) : cond;
                    Assert.Equal(expected, o[(n * 3 + c) * 4 + i], 5);
                }

        using var fewerChannels = Tensor.Empty(2, 2, 2, 2);
        var error = Assert.Throws<ShapeMismatchException>(() => Backend.ClassifierFreeGuidance(combined, 2, 4f, fewerChannels));
        Assert.Equal("ClassifierFreeGuidance: shapes [4, 3, 2, 2] and [2, 2, 2, 2] do not match (combined must be [2N, C, ...] for an output [N, C, ...])", error.Message);
    }
}
