using System;

namespace QRecipe.Plan;

/// <summary>
/// The DiT architecture a recipe is checked against (docs/checkpoints.md). Every shape a check or a budget needs is
/// derived from these few numbers. A latent-space DiT samples latents that a VAE decodes at 8× their size; a
/// pixel-space one (<see cref="PixelSpace"/>, the bundled Fashion-MNIST model) samples the images themselves.
/// </summary>
public sealed record ModelSpec(
    string Name,
    int Depth,
    int Hidden,
    int Heads,
    int PatchSize,
    int LatentSize,
    int NumClasses,
    int InChannels = 4,
    bool LearnSigma = true,
    bool PixelSpace = false)
{
    public int HeadDim => Hidden / Heads;

    public int Tokens => (LatentSize / PatchSize) * (LatentSize / PatchSize);

    public int MlpHidden => Hidden * 4;

    public int ImageSize => PixelSpace ? LatentSize : LatentSize * 8;

    public int OutChannels => LearnSigma ? InChannels * 2 : InChannels;

    /// <summary>Length of the reduction (inner-product) dimension of the operator.</summary>
    public int InputWidth(Operator op) => op switch
    {
        Operator.Qkv or Operator.Proj or Operator.Fc1 or Operator.AdaLN or Operator.Final => Hidden,
        Operator.Fc2 => MlpHidden,
        Operator.Qk => HeadDim,
        Operator.Av => Tokens,
        Operator.Embed => InChannels * PatchSize * PatchSize,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>Output rows (features) of a weight operator; for qk and av the key/value tokens per query.</summary>
    public int OutputWidth(Operator op) => op switch
    {
        Operator.Qkv => 3 * Hidden,
        Operator.Proj or Operator.Fc2 or Operator.Embed => Hidden,
        Operator.Fc1 => MlpHidden,
        Operator.AdaLN => 6 * Hidden,
        Operator.Final => PatchSize * PatchSize * OutChannels,
        Operator.Qk => Tokens,
        Operator.Av => HeadDim,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>Multiply-accumulates of one forward of the operator for one sample (all heads, all tokens).
    /// adaLN runs once per sample on the conditioning vector; every other operator runs on every token.</summary>
    public long Macs(Operator op)
    {
        long rows = op switch
        {
            Operator.AdaLN => 1,
            Operator.Qk or Operator.Av => (long)Heads * Tokens,
            _ => Tokens,
        };
        return rows * InputWidth(op) * OutputWidth(op);
    }
}
