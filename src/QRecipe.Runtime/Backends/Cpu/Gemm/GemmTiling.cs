using System;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// How one parallel call splits its work: K into <see cref="KBlocks"/> blocks of <see cref="GemmBlocking.Kc"/> (the
/// last one shorter), the same blocks as every other path, so that a row of C gets the same bits whichever path and
/// however many rows share the call; and C into a grid of <see cref="RowBlocks"/>×<see cref="ColumnBlocks"/> tiles of
/// whole kernel panels (sizes differ by at most one panel) that the workers claim. Both operands are packed once per
/// call (<see cref="SharedPacks"/>), so the grid is chosen only for balance and cache traffic: about
/// <see cref="TilesPerWorker"/> tiles per worker, in the shape that re-reads the fewest packed floats (a tile reads its
/// rows of A once per column block and its columns of B once per row block).
/// </summary>
internal readonly struct GemmTiling
{
    /// <summary>Tiles per worker: enough for a descheduled worker's share to be taken over by the other.</summary>
    public const int TilesPerWorker = 4;

    private GemmTiling(int m, int n, int k, int mr, int nr, int kBlocks, int rowBlocks, int columnBlocks)
    {
        M = m;
        N = n;
        K = k;
        Mr = mr;
        Nr = nr;
        KBlocks = kBlocks;
        RowPanels = (m + mr - 1) / mr;
        ColumnPanels = (n + nr - 1) / nr;
        RowBlocks = rowBlocks;
        ColumnBlocks = columnBlocks;
    }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public int Mr { get; }

    public int Nr { get; }

    public int KBlocks { get; }

    /// <summary>Micro-panels of Mr rows of A (the last one zero-padded).</summary>
    public int RowPanels { get; }

    /// <summary>Micro-panels of Nr columns of B (the last one zero-padded).</summary>
    public int ColumnPanels { get; }

    public int RowBlocks { get; }

    public int ColumnBlocks { get; }

    public int TileCount => RowBlocks * ColumnBlocks;

    public static GemmTiling Plan(int m, int n, int k, int mr, int nr, int workers)
    {
        var kBlocks = Math.Max(1, (k + GemmBlocking.Kc - 1) / GemmBlocking.Kc);
        var rowPanels = (m + mr - 1) / mr;
        var columnPanels = (n + nr - 1) / nr;
        var target = TilesPerWorker * workers;
        int bestRows = 1, bestColumns = 1;
        var bestScore = double.MaxValue;
        for (var rows = 1; rows <= Math.Min(target, rowPanels); rows++)
        {
            var columns = Math.Min(columnPanels, (target + rows - 1) / rows);
            var tiles = rows * columns;
            // Unbalanced counts leave a worker idle at the end; fewer tiles than the target leave less to rebalance.
            var idle = (double)((tiles + workers - 1) / workers * workers) / tiles;
            var shortfall = tiles < target ? (double)target / tiles : 1;
            var score = ((double)m * columns + (double)n * rows) * idle * shortfall;
            if (score < bestScore)
            {
                bestScore = score;
                bestRows = rows;
                bestColumns = columns;
            }
        }

        return new GemmTiling(m, n, k, mr, nr, kBlocks, bestRows, bestColumns);
    }

    public int KBlockStart(int block) => Math.Min(K, block * GemmBlocking.Kc);

    public int RowPanelStart(int rowBlock) => (int)((long)RowPanels * rowBlock / RowBlocks);

    public int ColumnPanelStart(int columnBlock) => (int)((long)ColumnPanels * columnBlock / ColumnBlocks);
}
