using System;
using QRecipe.Runtime.Backends.Cpu.Ops;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>The blocked GEMM specialised per micro-kernel: over a rectangle of C with the calling thread's own packing
/// buffers (<see cref="Multiply"/>), or over one tile of a parallel call whose packed operands the workers share
/// (<see cref="MultiplyTile"/>).</summary>
internal static unsafe class SgemmDriver<TKernel> where TKernel : struct, IMicroKernel
{
    public static void Multiply(in GemmProblem problem, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        if (rowStart >= rowEnd || columnStart >= columnEnd)
            return;
        if (problem.K == 0)
        {
            FillWithBias(problem, rowStart, rowEnd, columnStart, columnEnd);
            return;
        }

        var mr = TKernel.Rows;
        var nr = TKernel.Columns;
        var mcMax = RoundUp(GemmBlocking.Mc, mr);
        var ncMax = RoundUp(GemmBlocking.Nc, nr);
        var scratch = GemmScratch.ForCurrentThread((nuint)(mcMax * GemmBlocking.Kc), (nuint)(ncMax * GemmBlocking.Kc));

        for (var jc = columnStart; jc < columnEnd; jc += ncMax)
        {
            var nc = Math.Min(ncMax, columnEnd - jc);
            for (var pc = 0; pc < problem.K; pc += GemmBlocking.Kc)
            {
                var kc = Math.Min(GemmBlocking.Kc, problem.K - pc);
                GemmPacking.PackB(problem.B, pc, jc, kc, nc, nr, scratch.PackedB);
                for (var ic = rowStart; ic < rowEnd; ic += mcMax)
                {
                    var mc = Math.Min(mcMax, rowEnd - ic);
                    GemmPacking.PackA(problem.A, ic, pc, mc, kc, mr, scratch.PackedA);
                    MultiplyPackedBlock(problem, scratch, ic, jc, mc, nc, kc, firstBlock: pc == 0, lastBlock: pc + kc == problem.K);
                }
            }
        }
    }

    /// <summary>Tile <paramref name="tile"/> of <paramref name="tiling"/>'s grid, all K blocks in turn (the tile of C stays
    /// in cache between them); for each, B micro-panels outer and A micro-panels inner, so that one B micro-panel is
    /// reused by the whole column of kernel calls while the tile's rows of A stay in L2.</summary>
    public static void MultiplyTile(in GemmProblem problem, in GemmTiling tiling, SharedPacks packs, int tile)
    {
        var scratchTile = GemmScratch.ForCurrentThread(0, 0).Tile;
        var rowBlock = tile / tiling.ColumnBlocks;
        var columnBlock = tile % tiling.ColumnBlocks;
        int rowPanel0 = tiling.RowPanelStart(rowBlock), rowPanel1 = tiling.RowPanelStart(rowBlock + 1);
        int columnPanel0 = tiling.ColumnPanelStart(columnBlock), columnPanel1 = tiling.ColumnPanelStart(columnBlock + 1);
        for (var block = 0; block < tiling.KBlocks; block++)
        {
            var kc = tiling.KBlockStart(block + 1) - tiling.KBlockStart(block);
            bool first = block == 0, last = block == tiling.KBlocks - 1;
            for (var columnPanel = columnPanel0; columnPanel < columnPanel1; columnPanel++)
            {
                var packedB = packs.PanelB(problem, tiling, block, columnPanel);
                var column = columnPanel * TKernel.Columns;
                var columns = Math.Min(TKernel.Columns, problem.N - column);
                for (var rowPanel = rowPanel0; rowPanel < rowPanel1; rowPanel++)
                {
                    var row = rowPanel * TKernel.Rows;
                    MultiplyMicroTile(problem, scratchTile, packs.PanelA(problem, tiling, block, rowPanel), packedB, kc, row, column,
                        Math.Min(TKernel.Rows, problem.M - row), columns, first, last);
                }
            }
        }
    }

    private static void MultiplyPackedBlock(in GemmProblem problem, GemmScratch scratch, int ic, int jc, int mc, int nc, int kc, bool firstBlock,
        bool lastBlock)
    {
        var mr = TKernel.Rows;
        var nr = TKernel.Columns;
        for (var jr = 0; jr < nc; jr += nr)
        {
            var packedB = scratch.PackedB + (nint)jr * kc;
            var columns = Math.Min(nr, nc - jr);
            for (var ir = 0; ir < mc; ir += mr)
            {
                MultiplyMicroTile(problem, scratch.Tile, scratch.PackedA + (nint)ir * kc, packedB, kc, ic + ir, jc + jr, Math.Min(mr, mc - ir), columns,
                    firstBlock, lastBlock);
            }
        }
    }

    /// <summary>The tile of C at (<paramref name="row"/>, <paramref name="column"/>), <paramref name="rows"/> ≤ Rows by
    /// <paramref name="columns"/> ≤ Columns, from one
    /// packed A and one packed B micro-panel of one K block: the first block adds the bias (or nothing), later ones add
    /// C itself, and the last applies the epilogue. <paramref name="tile"/> is the caller's scratch for an edge tile.</summary>
    public static void MultiplyMicroTile(in GemmProblem problem, float* tile, float* packedA, float* packedB, int kc, int row, int column,
        int rows, int columns, bool firstBlock, bool lastBlock)
    {
        var mr = TKernel.Rows;
        var nr = TKernel.Columns;
        var c = problem.C + (nint)row * problem.Ldc + column;
        float* addend;
        nint addendStride;
        if (!firstBlock)
        {
            addend = c;
            addendStride = problem.Ldc;
        }
        else
        {
            addend = problem.Bias != null ? problem.Bias + column : GemmScratch.Zeros;
            addendStride = 0;
        }

        if (rows == mr && columns == nr)
        {
            TKernel.Run(kc, packedA, packedB, c, problem.Ldc, problem.Alpha, addend, addendStride);
        }
        else
        {
            // Edge tile: compute the full tile into scratch and add only its valid part.
            TKernel.Run(kc, packedA, packedB, tile, nr, problem.Alpha, GemmScratch.Zeros, 0);
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < columns; j++)
                    c[i * problem.Ldc + j] = tile[i * nr + j] + addend[i * addendStride + j];
            }
        }

        if (lastBlock && problem.Epilogue == GemmEpilogue.Gelu)
        {
            for (var i = 0; i < rows; i++)
                Activations.GeluSpan(c + i * problem.Ldc, c + i * problem.Ldc, columns);
        }
    }

    private static void FillWithBias(in GemmProblem problem, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        for (var i = rowStart; i < rowEnd; i++)
        {
            for (var j = columnStart; j < columnEnd; j++)
                problem.C[i * problem.Ldc + j] = problem.Bias != null ? problem.Bias[j] : 0f;
            if (problem.Epilogue == GemmEpilogue.Gelu)
                Activations.GeluSpan(problem.C + i * problem.Ldc + columnStart, problem.C + i * problem.Ldc + columnStart, columnEnd - columnStart);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
