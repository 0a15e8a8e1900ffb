using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Quantization;

namespace QRecipe.Runtime.Export;

/// <summary>What an export wrote: the tensors and their bytes, the quantized versions, and the float checkpoint's size.</summary>
public sealed record ExportSummary(int Tensors, long DataBytes, int Versions, long CheckpointBytes);

/// <summary>
/// A recipe's quantized model as one .safetensors file (docs/export-model.md). The weights are made exactly as a run
/// makes them: the checkpoint is loaded, calibrated and smoothed (<see cref="Calibrator"/>) and every weight version is
/// quantized by <see cref="QuantizedWeights.QuantizeEach"/>; each version is packed as integer codes and grids (or
/// codebook indices and codebooks), with DiTAS's low-rank factors where the recipe has them. Layers stay as the run
/// sees them after smoothing: folded weights and biases, the factors of inputs divided at run time, and the calibrated
/// static activation ranges, so <see cref="ExportedModel"/> rebuilds the run's operands without the float checkpoint.
/// </summary>
public static class ModelExporter
{
    public static (SafetensorsWriter File, ExportSummary Summary) Export(RecipePlan plan, string recipeText, string checkpoint, ITensorBackend backend,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        var file = new SafetensorsWriter();
        using var weights = DitWeights.Load(checkpoint, plan.Model, backend);
        var (statistics, smoothedWeights) = Calibrator.Prepare(plan, weights, backend, progress, cancellation);
        using var smoothed = smoothedWeights;
        var versions = WeightVersions.Of(plan, weights);
        var perLayer = versions.Quantized.GroupBy(v => v.Layer).ToDictionary(g => g.Key, g => g.Count());

        file.AddFloat("pos_embed", weights.PosEmbed.ToArray<float>(), weights.PosEmbed.Shape[0], weights.PosEmbed.Shape[1]);
        file.AddFloat("y_embedder.embedding_table.weight", weights.LabelTable.ToArray<float>(), weights.LabelTable.Shape[0], weights.LabelTable.Shape[1]);
        var floatWeights = new List<string>();
        var onTheFly = new List<string>();
        foreach (var original in Layers(weights))
        {
            var layer = smoothed.Quantizable(original);
            file.AddFloat(layer.Name + ".bias", layer.Bias.ToArray<float>(), layer.OutFeatures);
            if (versions.FloatLayers.Contains(original))
            {
                file.AddFloat(layer.Name + ".weight", layer.Weight.ToArray<float>(), layer.OutFeatures, layer.InFeatures);
                floatWeights.Add(layer.Name);
            }
            if (smoothed.OnTheFly(layer.Name) is { } s)
            {
                file.AddFloat(ExportNames.Smoothing(layer.Name), s, s.Length);
                onTheFly.Add(layer.Name);
            }
        }
        var ranges = new List<PackedRange>();
        foreach (var (operand, range) in (statistics?.Ranges ?? new()).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var name = ExportNames.ActivationRange(operand);
            file.AddFloat(name, new[] { range.Min, range.Max }, 2);
            ranges.Add(new PackedRange(operand, name, range.Batches));
        }
        var packed = new List<PackedVersion>();
        QuantizedWeights.QuantizeEach(versions, smoothed, statistics, progress, cancellation,
            (_, version, made) => packed.Add(Pack(file, version, made, perLayer[version.Layer] > 1)));

        var layout = new PackedLayout(packed, floatWeights, onTheFly, ranges);
        file.AddMetadata(ExportNames.FormatKey, ExportNames.FormatName);
        file.AddMetadata(ExportNames.FormatVersionKey, ExportNames.FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        file.AddMetadata(ExportNames.ModelKey, plan.Model.Name);
        file.AddMetadata(ExportNames.RecipeNameKey, plan.Name);
        file.AddMetadata(ExportNames.RecipeKey, recipeText);
        file.AddMetadata(ExportNames.RecipeHashKey, RecipeHash(recipeText));
        file.AddMetadata(ExportNames.CheckpointKey, Path.GetFileName(checkpoint));
        file.AddMetadata(ExportNames.CheckpointHashKey, FileHash(checkpoint));
        file.AddMetadata(ExportNames.LayoutKey, JsonSerializer.Serialize(layout, PackedLayoutJson.Default.PackedLayout));
        file.AddMetadata(ExportNames.ActivationsKey, ActivationSummary.Of(plan));
        file.AddMetadata(ExportNames.PackingKey, ExportNames.PackingText);
        return (file, new ExportSummary(file.TensorCount, file.DataBytes, packed.Count, new FileInfo(checkpoint).Length));
    }

    /// <summary>Lowercase hex SHA-256 of the recipe text's UTF-8 bytes (as read: without a byte order mark).</summary>
    public static string RecipeHash(string recipeText) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipeText)));

    /// <summary>Lowercase hex SHA-256 of a file's bytes.</summary>
    public static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Every linear layer of the model, in state-dict order.</summary>
    public static IEnumerable<LinearWeights> Layers(DitWeights weights)
    {
        yield return weights.Patch;
        yield return weights.TimeMlp0;
        yield return weights.TimeMlp2;
        foreach (var block in weights.Blocks)
        {
            yield return block.Qkv;
            yield return block.Proj;
            yield return block.Fc1;
            yield return block.Fc2;
            yield return block.AdaLN;
        }
        yield return weights.FinalAdaLN;
        yield return weights.FinalLinear;
    }

    private static PackedVersion Pack(SafetensorsWriter file, WeightVersion version, QuantizedLayer made, bool oneOfSeveral)
    {
        var layer = version.Layer;
        var setting = version.Setting;
        var steps = ExportNames.StepRanges(version.Steps);
        var prefix = ExportNames.VersionPrefix(layer.Name, steps, oneOfSeveral);
        var codebook = made.Codes.Codebook;
        var bits = setting.Bits;
        var codesName = ExportNames.Codes(prefix, bits, codebook is not null);
        string? scale = null, zero = null, books = null;
        var signed = false;
        int groupLength;
        if (codebook is not null)
        {
            groupLength = codebook.GroupLength;
            var indices = new int[codebook.Indices.Length];
            for (var i = 0; i < indices.Length; i++)
                indices[i] = codebook.Indices[i];
            AddBytes(file, codesName, PackedBits.Pack(indices, bits));
            var entries = codebook.Codebooks[0].Length;
            var values = new float[codebook.Codebooks.Length * entries];
            for (var g = 0; g < codebook.Codebooks.Length; g++)
            {
                if (codebook.Codebooks[g].Length != entries)
                    throw new QuantizationException(layer.Name, $"codebook {g} has {codebook.Codebooks[g].Length} entries, codebook 0 has {entries}");
                codebook.Codebooks[g].CopyTo(values, g * entries);
            }
            books = prefix + ".codebook";
            file.AddFloat(books, values, codebook.Codebooks.Length, entries);
        }
        else
        {
            var uniform = made.Codes.Uniform!;
            groupLength = uniform.GroupLength;
            var grids = uniform.Grids;
            signed = grids[0].Lo < 0;
            var offset = signed ? 1 << (bits - 1) : 0;
            var codes = new int[uniform.Codes.Length];
            for (var i = 0; i < codes.Length; i++)
                codes[i] = uniform.Codes[i] + offset;
            AddBytes(file, codesName, PackedBits.Pack(codes, bits));
            scale = prefix + ".scale";
            file.AddFloat(scale, grids.Select(g => g.Scale).ToArray(), grids.Length);
            if (grids.Any(g => g.Zero != 0f))
            {
                zero = prefix + ".zero";
                file.AddFloat(zero, grids.Select(g => g.Zero).ToArray(), grids.Length);
            }
            if (grids.Any(g => g.Lo != grids[0].Lo))
                throw new QuantizationException(layer.Name, "the groups mix signed and unsigned codes");
        }
        string? left = null, right = null;
        var rank = 0;
        if (made.LowRank is { } f)
        {
            rank = f.Rank;
            left = prefix + ".lowrank_left";
            right = prefix + ".lowrank_right";
            file.AddFloat(left, f.Left, layer.OutFeatures, f.Rank);
            file.AddFloat(right, f.Right, f.Rank, layer.InFeatures);
        }
        return new PackedVersion(layer.Name, steps, setting.ToString(), codebook is null ? PackedLayout.UniformKind : PackedLayout.CodebookKind, bits,
            layer.OutFeatures, layer.InFeatures, groupLength, signed, codesName, scale, zero, books, rank, left, right, made.Report.OverheadWords,
            made.Report.RelativeError);
    }

    private static void AddBytes(SafetensorsWriter file, string name, byte[] bytes) => file.AddBytes(name, bytes, bytes.Length);
}
