namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// Copies blocks of A and B into the layouts the micro-kernels stream: A as panels of <c>rows</c> rows stored
/// k-major (panel[p·rows + i]), B as panels of <c>columns</c> columns stored k-major (panel[p·columns + j]). Panels
/// are zero-padded past the matrix edge so the kernel never branches. Loops run along whichever stride is 1, so
/// reads are sequential for both the plain and the transposed layout.
/// </summary>
internal static unsafe class GemmPacking
{
    public static void PackA(MatrixView a, int row0, int k0, int mc, int kc, int rows, float* destination) =>
        PackPanels(a, row0, k0, mc, kc, rows, destination);

    /// <summary>B's columns play the role of A's rows: swap the strides and reuse the panel loops.</summary>
    public static void PackB(MatrixView b, int k0, int col0, int kc, int nc, int columns, float* destination) =>
        PackPanels(new MatrixView(b.Data, b.ColumnStride, b.RowStride), col0, k0, nc, kc, columns, destination);

    /// <summary>Panel q holds rows [q·width, (q+1)·width) of the block: panel[p·width + i] = m(row0 + q·width + i, k0 + p),
    /// zero where the row is past <paramref name="count"/>.</summary>
    private static void PackPanels(MatrixView m, int row0, int k0, int count, int kc, int width, float* destination)
    {
        var padded = (count + width - 1) / width * width;
        if (m.ColumnStride == 1)
        {
            // Each row is contiguous along k: transpose 8×8 tiles where possible, else read each row sequentially and
            // write with stride width.
            var fastRows = Transpose8x8.IsSupported && width % 8 == 0 ? count / 8 * 8 : 0;
            var fastK = kc / 8 * 8;
            for (var i = 0; i < fastRows; i += 8)
            {
                var source = m.At(row0 + i, k0);
                var target = destination + (nint)(i / width) * width * kc + i % width;
                for (var p = 0; p < fastK; p += 8)
                    Transpose8x8.Run(source + p, m.RowStride, target + (nint)p * width, width);
            }

            for (var i = 0; i < count; i++)
            {
                var source = m.At(row0 + i, k0);
                var target = destination + (nint)(i / width) * width * kc + i % width;
                for (var p = i < fastRows ? fastK : 0; p < kc; p++)
                    target[p * width] = source[p];
            }
        }
        else
        {
            // The rows of one k are adjacent (RowStride is 1 for a transposed operand): copy runs of width floats.
            for (var p = 0; p < kc; p++)
            {
                var source = m.At(row0, k0 + p);
                for (var q = 0; q < count; q += width)
                {
                    var target = destination + (nint)q * kc + (nint)p * width;
                    var run = System.Math.Min(width, count - q);
                    for (var i = 0; i < run; i++)
                        target[i] = source[(q + i) * m.RowStride];
                }
            }
        }

        for (var i = count; i < padded; i++)
        {
            var target = destination + (nint)(i / width) * width * kc + i % width;
            for (var p = 0; p < kc; p++)
                target[p * width] = 0f;
        }
    }
}
