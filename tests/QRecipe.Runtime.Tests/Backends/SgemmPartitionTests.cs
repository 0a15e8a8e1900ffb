using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// Both parallel partitions forced on every kernel, against the float64 reference (bound: <see cref="GemmReference"/>;
/// GELU carried through as in <see cref="FusedOperationTests"/>): shared packed operands with 2-D tiles, and per-chunk
/// packing. The shapes give ragged edges in M, N and K (none a multiple of 8, 48 or 256), several K blocks
/// (K &gt; 256), one row or one column panel, K = 0 (bias only), both layouts of both operands, alpha ≠ 1, with and
/// without bias and the GELU epilogue; the tile grid is checked to cover every panel of C exactly once; and a row of C
/// must get the same bits from every path and whatever the number of rows (a sample's float output must not depend
/// on how many samples share a forward).
/// </summary>
public sealed unsafe class SgemmPartitionTests
{
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (3, 50, 1100), (13, 33, 17), (512, 7, 40), (61, 200, 513), (100, 97, 300), (37, 149, 1537), (9, 130, 0),
    ];

    public static IEnumerable<object[]> Cases()
    {
        foreach (var kernel in SgemmTests.Kernels().Select(k => (SgemmKernelKind)k[0]))
        {
            foreach (var sharedTiles in new[] { true, false })
            {
                for (var s = 0; s < Shapes.Length; s++)
                {
                    var (m, n, k) = Shapes[s];
                    // Every layout, bias and epilogue variant over the shapes, without multiplying the case count.
                    yield return [kernel, sharedTiles, m, n, k, s % 2 == 1, s % 4 < 2, s % 3 != 0, s % 3 == 2];
                    yield return [kernel, sharedTiles, m, n, k, s % 2 == 0, s % 4 >= 2, s % 3 == 0, s % 3 == 1];
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_partition_matches_the_float64_reference(SgemmKernelKind kernel, bool sharedTiles, int m, int n, int k,
        bool transposeA, bool transposeB, bool withBias, bool gelu)
    {
        var partition = sharedTiles ? SgemmPartition.SharedTiles : SgemmPartition.Chunks;
        var epilogue = gelu ? GemmEpilogue.Gelu : GemmEpilogue.None;
        using var a = TestData.Uniform(m * 31 + k, 1f, transposeA ? [Math.Max(k, 1), m] : [m, Math.Max(k, 1)]);
        using var b = TestData.Uniform(n * 17 + k, 1f, transposeB ? [n, Math.Max(k, 1)] : [Math.Max(k, 1), n]);
        using var bias = TestData.Uniform(n + 3, 2f, n);
        using var c = TestData.Uniform(5, 1000f, m, n); // stale contents must be overwritten
        const float alpha = -1.25f;
        var problem = new GemmProblem(m, n, k, alpha,
            MatrixView.RowMajor(a.Float32Pointer, a.Shape[1], transposeA),
            MatrixView.RowMajor(b.Float32Pointer, b.Shape[1], transposeB),
            c.Float32Pointer, n, withBias ? bias.Float32Pointer : null, epilogue);
        Sgemm.Multiply(problem, kernel, partition);

        var (product, bound) = GemmReference.Multiply(a.ToArray<float>(), b.ToArray<float>(), withBias ? bias.ToArray<float>() : null, m, n, k,
            transposeA, transposeB, alpha);
        var actual = c.AsSpan<float>();
        for (var i = 0; i < product.Length; i++)
        {
            var expected = epilogue == GemmEpilogue.Gelu ? Gelu(product[i]) : product[i];
            var allowed = epilogue == GemmEpilogue.Gelu ? 1.13 * bound[i] + 1e-5 * Math.Abs(expected) + 1e-7 : bound[i];
            if (!(Math.Abs(actual[i] - expected) <= allowed))
                Assert.Fail($"{kernel} {partition} {m}x{n}x{k} tA={transposeA} tB={transposeB} bias={withBias} {epilogue}: element {i} is {actual[i]:R}, expected {expected:R} (bound {allowed:E2})");
        }
    }

    [Theory]
    [InlineData(512, 384, 1536, 8, 48, 2)]
    [InlineData(512, 1536, 384, 8, 48, 2)]
    [InlineData(2, 2304, 384, 8, 48, 2)]
    [InlineData(13, 33, 1100, 6, 16, 3)]
    [InlineData(1000, 1, 7, 8, 48, 4)]
    [InlineData(5, 5, 5, 8, 48, 1)]
    public void The_tile_grid_covers_every_panel_once_and_k_in_the_blocks_of_the_other_paths(int m, int n, int k, int mr, int nr, int workers)
    {
        var tiling = GemmTiling.Plan(m, n, k, mr, nr, workers);
        var covered = new int[(m + mr - 1) / mr, (n + nr - 1) / nr];
        for (var tile = 0; tile < tiling.TileCount; tile++)
        {
            int rowBlock = tile / tiling.ColumnBlocks, columnBlock = tile % tiling.ColumnBlocks;
            for (var r = tiling.RowPanelStart(rowBlock); r < tiling.RowPanelStart(rowBlock + 1); r++)
            {
                for (var c = tiling.ColumnPanelStart(columnBlock); c < tiling.ColumnPanelStart(columnBlock + 1); c++)
                    covered[r, c]++;
            }
        }

        Assert.All(covered.Cast<int>(), count => Assert.Equal(1, count));
        Assert.Equal(k, tiling.KBlockStart(tiling.KBlocks));
        for (var block = 0; block < tiling.KBlocks; block++)
            Assert.Equal(block * GemmBlocking.Kc, tiling.KBlockStart(block));
    }

    [Theory]
    [MemberData(nameof(SgemmTests.Kernels), MemberType = typeof(SgemmTests))]
    public void A_row_gets_the_same_bits_from_every_path_and_any_row_count(SgemmKernelKind kernel)
    {
        const int rows = 40, n = 100, k = 700; // three K blocks, ragged N
        using var x = TestData.Uniform(7, 1f, rows, k);
        using var w = TestData.Uniform(8, 1f, n, k);
        using var bias = TestData.Uniform(9, 1f, n);
        using var reference = Tensor.Empty(rows, n);
        GemmProblem Problem(int m, Tensor c) => new(m, n, k, 1f, MatrixView.RowMajor(x.Float32Pointer, k, false),
            MatrixView.RowMajor(w.Float32Pointer, k, true), c.Float32Pointer, n, bias.Float32Pointer, GemmEpilogue.Gelu);
        Sgemm.MultiplyRange(Problem(rows, reference), kernel, 0, rows, 0, n);
        var expected = reference.ToArray<float>();
        foreach (var (m, partition) in new[] { (rows, SgemmPartition.SharedTiles), (rows, SgemmPartition.Chunks), (3, SgemmPartition.SharedTiles),
                     (17, SgemmPartition.Chunks), (1, SgemmPartition.Auto), (rows, SgemmPartition.Auto) })
        {
            using var c = Tensor.Empty(rows, n);
            Sgemm.Multiply(Problem(m, c), kernel, partition);
            var actual = c.ToArray<float>();
            for (var i = 0; i < m * n; i++)
            {
                if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                    Assert.Fail($"{kernel} {partition} over {m} rows: element {i} is {actual[i]:R}, alone {expected[i]:R}");
            }
        }
    }

    private static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}
