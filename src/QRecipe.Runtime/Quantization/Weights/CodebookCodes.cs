namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>K-means form of a quantized [rows, cols] weight: one codebook index per element and one codebook per
/// run of <see cref="GroupLength"/> consecutive row-major elements (a row for K-Means-C, the tensor for K-Means-A).
/// A codebook has min(2^b, GroupLength) entries.</summary>
public sealed class CodebookCodes
{
    public CodebookCodes(int rows, int cols, int groupLength, byte[] indices, float[][] codebooks)
    {
        Rows = rows;
        Cols = cols;
        GroupLength = groupLength;
        Indices = indices;
        Codebooks = codebooks;
    }

    public int Rows { get; }
    public int Cols { get; }
    public int GroupLength { get; }
    public byte[] Indices { get; }
    public float[][] Codebooks { get; }

    public float[] Dequantize()
    {
        var values = new float[Indices.Length];
        for (var i = 0; i < values.Length; i++) values[i] = Codebooks[i / GroupLength][Indices[i]];
        return values;
    }
}
