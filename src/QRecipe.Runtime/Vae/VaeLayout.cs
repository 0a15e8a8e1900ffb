using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using QRecipe.Plan.Text;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.IO;

namespace QRecipe.Runtime.Vae;

/// <summary>
/// Reads the decoder half of a diffusers AutoencoderKL state dict: drops the encoder (encoder.*, quant_conv.*),
/// renames the attention projections older diffusers releases saved (query → to_q …), takes the architecture from
/// the diffusers config.json beside the file or, without one, from the tensor shapes (32 GroupNorm groups and the
/// 0.18215 latent scale, as in every Stable Diffusion VAE), and checks every key and shape against it.
/// </summary>
public static partial class VaeLayout
{
    private const string ConfigFile = "config.json";

    [GeneratedRegex(@"^decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.")]
    private static partial Regex UpResnetKey();

    /// <summary>The decoder tensors under current diffusers names.</summary>
    public static StateDict ToDecoder(string file, StateDict tensors)
    {
        var kept = new List<CheckpointEntry>();
        foreach (var entry in tensors)
        {
            if (entry.Name.StartsWith("encoder.", StringComparison.Ordinal) || entry.Name.StartsWith("quant_conv.", StringComparison.Ordinal))
                continue;
            kept.Add(Renamed(entry) is { } name ? entry.WithName(name) : entry);
        }
        return new StateDict(file, kept);
    }

    private static string? Renamed(CheckpointEntry entry)
    {
        if (!entry.Name.StartsWith(VaeKeys.Attention, StringComparison.Ordinal))
            return null;
        var rest = entry.Name[VaeKeys.Attention.Length..];
        var dot = rest.LastIndexOf('.');
        var index = dot < 0 ? -1 : Array.IndexOf(VaeKeys.DeprecatedAttentionProjections, rest[..dot]);
        return index < 0 ? null : VaeKeys.Attention + VaeKeys.AttentionProjections[index] + rest[dot..];
    }

    /// <summary>The architecture: config.json beside <paramref name="file"/> when it describes an AutoencoderKL,
    /// otherwise read off the shapes of <paramref name="decoder"/>.</summary>
    public static VaeConfig Configuration(string file, StateDict decoder)
    {
        var inferred = Infer(file, decoder);
        var json = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", ConfigFile);
        var config = File.Exists(json) ? FromDiffusersConfig(json, inferred) : inferred;
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            var hint = File.Exists(json) ? string.Empty : $" (without a {ConfigFile} beside the file, {config.NormGroups} GroupNorm groups are assumed)";
            throw new CheckpointException(file, e.Message + hint);
        }
        return config;
    }

    private static VaeConfig Infer(string file, StateDict decoder)
    {
        int[] Shape(string name) => decoder.TryGetValue(name, out var entry) ? entry.Shape.ToArray()
            : throw new CheckpointException(file, $"not an AutoencoderKL decoder in the diffusers layout: there is no {SafeText.Quote(name)}{LayoutHint(decoder)}");

        var latent = Shape(VaeKeys.ConvIn + ".weight") is [_, var l, ..] ? l : 0;
        var resnets = decoder.Select(e => UpResnetKey().Match(e.Name)).Where(m => m.Success)
            .Select(m => (Block: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Index: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        if (resnets.Count == 0)
            throw new CheckpointException(file, $"not an AutoencoderKL decoder in the diffusers layout: there are no 'decoder.up_blocks.N.resnets.M' keys{LayoutHint(decoder)}");
        var levels = resnets.Max(r => r.Block) + 1;
        var perBlock = resnets.Where(r => r.Block == 0).Max(r => r.Index) + 1;
        var channels = new int[levels];
        for (var level = 0; level < levels; level++)
            channels[level] = Shape(VaeKeys.UpResnet(levels - 1 - level, 0) + "conv1.weight")[0];
        var outputs = Shape(VaeKeys.ConvOut + ".weight")[0];
        return new VaeConfig(latent, channels, perBlock - 1, VaeConfig.SdVae.NormGroups, outputs, VaeConfig.SdVae.ScalingFactor);
    }

    private static string LayoutHint(StateDict tensors) =>
        tensors.Any(t => t.Name.StartsWith("decoder.mid.", StringComparison.Ordinal) || t.Name.StartsWith("first_stage_model.", StringComparison.Ordinal))
            ? " (this looks like the original CompVis/LDM layout; convert it to diffusers' AutoencoderKL)"
            : string.Empty;

    /// <summary>The fields of a diffusers AutoencoderKL config.json; fields it lacks keep the inferred values, and a
    /// config.json of another class is ignored. A field of the wrong type is an error naming its JSON path and the
    /// type it must have, never a default.</summary>
    private static VaeConfig FromDiffusersConfig(string path, VaeConfig inferred)
    {
        if (FileKind.Problem(path) is { } notRegular)
            throw new CheckpointException(path, notRegular);
        if (new FileInfo(path).Length > MaxConfigBytes)
            throw new CheckpointException(path, $"is {new FileInfo(path).Length} bytes; a diffusers config is read whole and may have at most {MaxConfigBytes}");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"not a readable diffusers config: {SafeText.Escape(e.Message)}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("_class_name", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != "AutoencoderKL")
                return inferred;
            CheckpointException Wrong(string field, string expected, JsonElement value) =>
                new(path, $"$.{field} must be {expected}, got {SafeText.Escape(value.GetRawText(), 100)}");
            int Whole(string field, JsonElement value) =>
                value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw Wrong(field, "a whole number", value);
            int Int(string name, int fallback) => root.TryGetProperty(name, out var v) ? Whole(name, v) : fallback;
            var channels = inferred.BlockOutChannels;
            if (root.TryGetProperty("block_out_channels", out var list))
            {
                if (list.ValueKind != JsonValueKind.Array)
                    throw Wrong("block_out_channels", "an array of whole numbers", list);
                channels = list.EnumerateArray().Select((v, i) => Whole($"block_out_channels[{i}]", v)).ToArray();
            }
            var scale = inferred.ScalingFactor;
            if (root.TryGetProperty("scaling_factor", out var s))
                scale = s.ValueKind == JsonValueKind.Number && s.TryGetSingle(out var f) && float.IsFinite(f) ? f : throw Wrong("scaling_factor", "a finite number", s);
            return new VaeConfig(Int("latent_channels", inferred.LatentChannels), channels, Int("layers_per_block", inferred.LayersPerBlock),
                Int("norm_num_groups", inferred.NormGroups), Int("out_channels", inferred.OutChannels), scale);
        }
    }

    /// <summary>The largest config.json read; diffusers writes about 1 kB.</summary>
    public const int MaxConfigBytes = 1 << 20;

    /// <summary>Every missing key, unexpected key and wrong shape of a decoder state dict.</summary>
    public static ValidationReport Validate(StateDict decoder, VaeConfig config)
    {
        var expected = VaeKeys.Expected(config);
        var names = new HashSet<string>(expected.Select(e => e.Name), StringComparer.Ordinal);
        var missing = new List<(string, int[])>();
        var mismatches = new List<ShapeMismatch>();
        foreach (var (name, shape) in expected)
        {
            if (!decoder.TryGetValue(name, out var entry))
                missing.Add((name, shape));
            else if (!CheckpointEntry.SameShape(entry.Shape, shape))
                mismatches.Add(new ShapeMismatch(name, shape, entry.Shape.ToArray()));
        }
        var unexpected = decoder.Where(t => !names.Contains(t.Name)).Select(t => (t.Name, t.Shape.ToArray())).ToList();
        return new ValidationReport(missing, unexpected, mismatches);
    }

    /// <summary>One line: the count of each kind of problem and its first few keys.</summary>
    public static string Summary(ValidationReport report)
    {
        static string Few<T>(IReadOnlyList<T> items, Func<T, string> text) => ShortList.Join(", ", items, 3, text);
        var parts = new List<string>();
        if (report.Missing.Count > 0)
            parts.Add($"{report.Missing.Count} missing ({Few(report.Missing, m => $"{SafeText.Escape(m.Name)} {CheckpointEntry.FormatShape(m.Shape)}")})");
        if (report.Unexpected.Count > 0)
            parts.Add($"{report.Unexpected.Count} unexpected ({Few(report.Unexpected, u => $"{SafeText.Escape(u.Name)} {CheckpointEntry.FormatShape(u.Shape)}")})");
        if (report.Mismatches.Count > 0)
            parts.Add($"{report.Mismatches.Count} of the wrong shape ({Few(report.Mismatches, m => $"{SafeText.Escape(m.Name)}: expected {CheckpointEntry.FormatShape(m.Expected)}, found {CheckpointEntry.FormatShape(m.Found)}")})");
        return string.Join("; ", parts);
    }
}
