namespace QRecipe.Evaluation.Features;

/// <summary>How to feed an ONNX feature network and which outputs to read (docs/evaluation.md). Images are handed over
/// as 8-bit N × H × W × C; the network gets float32 N × C × H × W (N × H × W × C with <see cref="ChannelsLast"/>) with
/// pixels mapped linearly from [0, 255] onto [<see cref="InputMin"/>, <see cref="InputMax"/>]. Images of another size
/// are resized bilinearly to <see cref="Height"/> × <see cref="Width"/> when <see cref="Resize"/> is set and refused
/// otherwise. <see cref="LogitsOutput"/> (class accuracy, Inception-style score) and <see cref="SpatialOutput"/>
/// (sFID) are optional.</summary>
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
    /// <summary>An output whose values (any shape after the batch axis, flattened) sFID is computed on.</summary>
    public string? SpatialOutput { get; init; }

    /// <summary>The input is N × H × W × C instead of N × C × H × W.</summary>
    public bool ChannelsLast { get; init; }

    /// <summary>Resize images of another size bilinearly (half-pixel centres) instead of refusing them.</summary>
    public bool Resize { get; init; }

    /// <summary>The bundled Fashion-MNIST classifier: "image" 1 × 28 × 28 in [−1, 1], "features" (128), "logits" (10)
    /// and "spatial" (7 × 7 × 7).</summary>
    public static FeatureNetworkSpec BundledClassifier { get; } = new("image", "features", "logits", 28, 28, 1, -1f, 1f) { SpatialOutput = "spatial" };

    /// <summary>Everything that changes the features, in one line: part of a cached reference's fingerprint.</summary>
    public string Describe() => System.FormattableString.Invariant(
        $"input {InputName} {Channels}x{Height}x{Width} {(ChannelsLast ? "nhwc" : "nchw")} [{InputMin:R}, {InputMax:R}] resize {(Resize ? "bilinear" : "none")}; outputs {FeaturesOutput}, {LogitsOutput ?? "-"}, {SpatialOutput ?? "-"}");
}
