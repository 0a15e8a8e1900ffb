using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace QRecipe.Runtime.Export;

/// <summary>One quantized weight version in an exported model (docs/export-model.md): the layer, the steps whose cells
/// multiply by it, the recipe setting, and the names of the tensors that hold it. <see cref="Kind"/> is
/// <c>uniform</c> (codes, scale, optional zero) or <c>codebook</c> (codes are codebook indices, codebook
/// [groups, entries]); <see cref="Signed"/> uniform codes are stored offset by 2^(bits−1).</summary>
public sealed record PackedVersion(
    string Layer,
    string Steps,
    string Setting,
    string Kind,
    int Bits,
    int Rows,
    int Cols,
    int GroupLength,
    bool Signed,
    string Codes,
    string? Scale,
    string? Zero,
    string? Codebook,
    int Rank,
    string? LowRankLeft,
    string? LowRankRight,
    long OverheadWords,
    double RelativeError);

/// <summary>A calibrated static activation range: the operand (<c>LAYER#0</c>, <c>LAYER#1</c>), the F32 [2] tensor
/// holding (min, max) and the number of calibration batches it averaged.</summary>
public sealed record PackedRange(string Operand, string Tensor, int Batches);

/// <summary>The <c>layout</c> metadata entry of an exported model: every quantized version, the layers stored as
/// float weights (some cell multiplies them in float), the layers whose input is divided by smoothing factors at run
/// time (<c>LAYER.smooth</c>), and the static activation ranges.</summary>
public sealed record PackedLayout(
    IReadOnlyList<PackedVersion> Versions,
    IReadOnlyList<string> FloatWeights,
    IReadOnlyList<string> Smoothing,
    IReadOnlyList<PackedRange> ActivationRanges)
{
    public const string UniformKind = "uniform";
    public const string CodebookKind = "codebook";
}

/// <summary>The layout's JSON (snake_case keys), generated at build time.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 8)]
[JsonSerializable(typeof(PackedLayout))]
internal sealed partial class PackedLayoutJson : JsonSerializerContext;
