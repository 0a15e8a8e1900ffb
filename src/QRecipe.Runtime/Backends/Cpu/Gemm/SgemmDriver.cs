using System;
using QRecipe.Runtime.Backends.Cpu.Ops;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>The single-threaded blocked GEMM over a rectangle of C, specialised per micro-kernel.</summary>
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

        // Column blocks of equal width in whole tiles (1728 columns: three of 576, not 768 + 768 + 192).
        var blocks = (columnEnd - columnStart + ncMax - 1) / ncMax;
        var ncStep = RoundUp((columnEnd - columnStart + blocks - 1) / blocks, nr);
        for (var jc = columnStart; jc < columnEnd; jc += ncStep)
        {
            var nc = Math.Min(ncStep, columnEnd - jc);
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

    private static void MultiplyPackedBlock(in GemmProblem problem, GemmScratch scratch, int ic, int jc, int mc, int nc, int kc, bool firstBlock,
        bool lastBlock)
    {
        var epilogue = lastBlock ? problem.Epilogue : GemmEpilogue.None;
        var mr = TKernel.Rows;
        var nr = TKernel.Columns;
        for (var jr = 0; jr < nc; jr += nr)
        {
            var columns = Math.Min(nr, nc - jr);
            var packedB = scratch.PackedB + (nint)jr * kc;
            for (var ir = 0; ir < mc; ir += mr)
            {
                var rows = Math.Min(mr, mc - ir);
                var packedA = scratch.PackedA + (nint)ir * kc;
                var c = problem.C + (nint)(ic + ir) * problem.Ldc + jc + jr;
                float* addend;
                nint addendStride;
                if (!firstBlock)
                {
                    addend = c;
                    addendStride = problem.Ldc;
                }
                else
                {
                    addend = problem.Bias != null ? problem.Bias + jc + jr : GemmScratch.Zeros;
                    addendStride = 0;
                }

                if (rows == mr && columns == nr)
                {
                    TKernel.Run(kc, packedA, packedB, c, problem.Ldc, problem.Alpha, addend, addendStride);
                }
                else if (!TKernel.TryRunEdge(kc, packedA, packedB, c, problem.Ldc, problem.Alpha, addend, addendStride, rows, columns))
                {
                    // Edge tile without a narrower kernel: compute the full tile into scratch and add only its valid part.
                    // The raw sums (times 1, plus 0: exact) then sum·alpha + addend rounded once, as in a full tile.
                    TKernel.Run(kc, packedA, packedB, scratch.Tile, nr, 1f, GemmScratch.Zeros, 0);
                    for (var i = 0; i < rows; i++)
                    {
                        for (var j = 0; j < columns; j++)
                            c[i * problem.Ldc + j] = MathF.FusedMultiplyAdd(scratch.Tile[i * nr + j], problem.Alpha, addend[i * addendStride + j]);
                    }
                }

                if (epilogue == GemmEpilogue.Gelu)
                {
                    for (var i = 0; i < rows; i++)
                        Activations.GeluSpan(c + i * problem.Ldc, c + i * problem.Ldc, columns);
                }
            }
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
