namespace QRecipe.Evaluation.Features;

/// <summary>How to feed an ONNX feature network and which outputs to read (docs/evaluation.md). Images are handed over
/// as 8-bit N × H × W × C; the network gets float32 N × C × H × W with pixels mapped linearly from [0, 255] onto
/// [<see cref="InputMin"/>, <see cref="InputMax"/>]. <see cref="LogitsOutput"/> is optional (class accuracy and the
/// Inception-style score need it).</summary>
public sealed record FeatureNetworkSpec(
    string InputName,
    string FeaturesOutput,
    string? LogitsOutput,
    int Height,
    int Width,
    int Channels,
    float InputMin,
    float InputMax)
{
    /// <summary>The bundled Fashion-MNIST classifier: "image" 1 × 28 × 28 in [−1, 1], "features" (128) and "logits" (10).</summary>
    public static FeatureNetworkSpec BundledClassifier { get; } = new("image", "features", "logits", 28, 28, 1, -1f, 1f);
}
