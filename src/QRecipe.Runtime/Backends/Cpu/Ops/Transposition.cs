using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Transposes a batch of [R, C] matrices into [C, R] in 32×32 tiles, so both the reads and the writes stay
/// within a few cache lines per tile.</summary>
internal static unsafe class Transposition
{
    private const int Tile = 32;

    public static void LastTwo(float* input, float* output, int batch, int rows, int columns)
    {
        var rowTiles = (rows + Tile - 1) / Tile;
        var operands = new Operands { Input = input, Output = output, Rows = rows, Columns = columns, RowTiles = rowTiles };
        RangeParallel<Operands>.For(batch * rowTiles, (long)batch * rows * columns, operands, &Tiles);
    }

    private struct Operands
    {
        public float* Input;
        public float* Output;
        public int Rows;
        public int Columns;
        public int RowTiles;
    }

    /// <summary>Bands [first, end) of <see cref="Tile"/> input rows (of every matrix of the batch).</summary>
    private static void Tiles(in Operands o, int first, int end)
    {
        var matrix = (nint)o.Rows * o.Columns;
        for (var band = first; band < end; band++)
        {
            var b = band / o.RowTiles;
            var r0 = band % o.RowTiles * Tile;
            var r1 = System.Math.Min(o.Rows, r0 + Tile);
            var x = o.Input + b * matrix;
            var y = o.Output + b * matrix;
            for (var c0 = 0; c0 < o.Columns; c0 += Tile)
            {
                var c1 = System.Math.Min(o.Columns, c0 + Tile);
                for (var r = r0; r < r1; r++)
                {
                    var source = x + (nint)r * o.Columns;
                    for (var c = c0; c < c1; c++)
                        y[(nint)c * o.Rows + r] = source[c];
                }
            }
        }
    }
}
