namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>Integer form of a uniformly quantized [rows, cols] matrix: one code per element and one
/// <see cref="UniformGrid"/> per run of <see cref="GroupLength"/> consecutive row-major elements (a group of a row,
/// a whole row, or the whole tensor). Element i uses grid i / GroupLength; value = scale·(code − zero).</summary>
public sealed class UniformCodes
{
    public UniformCodes(int rows, int cols, int groupLength, int[] codes, UniformGrid[] grids)
    {
        Rows = rows;
        Cols = cols;
        GroupLength = groupLength;
        Codes = codes;
        Grids = grids;
    }

    public int Rows { get; }
    public int Cols { get; }
    public int GroupLength { get; }
    public int[] Codes { get; }
    public UniformGrid[] Grids { get; }

    public UniformGrid GridOf(int element) => Grids[element / GroupLength];

    public float[] Dequantize()
    {
        var values = new float[Codes.Length];
        for (var i = 0; i < values.Length; i++) values[i] = GridOf(i).Dequantize(Codes[i]);
        return values;
    }
}
