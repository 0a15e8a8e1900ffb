using System.Collections.Generic;
using System.Text;

namespace QRecipe.Runtime.Export;

/// <summary>The naming convention of an exported model's tensors and metadata keys (docs/export-model.md).</summary>
public static class ExportNames
{
    public const string FormatName = "qrecipe-quantized-dit";
    public const int FormatVersion = 1;

    public const string FormatKey = "format";
    public const string FormatVersionKey = "format_version";
    public const string ModelKey = "model";
    public const string RecipeNameKey = "recipe_name";
    public const string RecipeKey = "recipe";
    public const string RecipeHashKey = "recipe_sha256";
    public const string CheckpointKey = "checkpoint";
    public const string CheckpointHashKey = "checkpoint_sha256";
    public const string LayoutKey = "layout";
    public const string ActivationsKey = "activations";
    public const string PackingKey = "code_packing";

    public const string PackingText = "b-bit codes as one little-endian bit stream, least significant bit first: code i occupies bits i*b..i*b+b-1, "
        + "bit j is bit j%8 of byte j/8 (int4: first code in the low nibble); signed codes are stored as code + 2^(b-1); "
        + "value = scale * ((stored - offset) - zero) in float32, offset 2^(b-1) for signed codes else 0, zero 0 when absent";

    /// <summary>Sampling steps as runs: <c>0-49</c>, <c>0-24_40-49</c>, <c>7</c>.</summary>
    public static string StepRanges(IReadOnlyList<int> steps)
    {
        var text = new StringBuilder();
        for (var i = 0; i < steps.Count;)
        {
            var j = i;
            while (j + 1 < steps.Count && steps[j + 1] == steps[j] + 1)
                j++;
            if (text.Length > 0)
                text.Append('_');
            text.Append(steps[i]);
            if (j > i)
                text.Append('-').Append(steps[j]);
            i = j + 1;
        }
        return text.ToString();
    }

    /// <summary><c>LAYER.weight</c>, with <c>.stepsRANGES</c> when the layer has more than one quantized version.</summary>
    public static string VersionPrefix(string layer, string steps, bool oneOfSeveral) =>
        oneOfSeveral ? $"{layer}.weight.steps{steps}" : $"{layer}.weight";

    public static string Codes(string prefix, int bits, bool codebook) => $"{prefix}.{(codebook ? "idx" : "q")}{bits}";

    public static string Smoothing(string layer) => layer + ".smooth";

    public static string ActivationRange(string operand) => operand + ".act_range";
}
