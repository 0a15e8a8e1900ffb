namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>A quantized weight: the dequantized [out, in] values the forward uses, the stored form (uniform codes or
/// k-means codebooks, exactly one of them non-null) and the report.</summary>
public sealed class QuantizedWeight
{
    public QuantizedWeight(float[] dequantized, UniformCodes? uniform, CodebookCodes? codebook, WeightQuantReport report)
    {
        Dequantized = dequantized;
        Uniform = uniform;
        Codebook = codebook;
        Report = report;
    }

    public float[] Dequantized { get; }
    public UniformCodes? Uniform { get; }
    public CodebookCodes? Codebook { get; }
    public WeightQuantReport Report { get; }
}
