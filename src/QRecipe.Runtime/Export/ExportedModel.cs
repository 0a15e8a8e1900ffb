using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using QRecipe.Plan;
using QRecipe.Plan.Text;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Factorization;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Export;

/// <summary>
/// A model written by <see cref="ModelExporter"/>, read back into what a run multiplies by: the weights (folded float
/// weights where some cell needs them, biases, embeddings), every quantized version unpacked and dequantized by the
/// runtime's own <see cref="UniformCodes"/> and <see cref="CodebookCodes"/> (plus Q + L·R for low-rank layers, summed as
/// the run sums it), the run-time smoothing factors and the static activation ranges. Everything in the file is
/// checked against the recipe's plan before it is used: the format, the recipe's SHA-256, the model, every tensor's
/// dtype and shape, every version the plan needs and no tensor more; any problem is one
/// <see cref="CheckpointException"/> naming the file.
/// </summary>
public sealed class ExportedModel : IDisposable
{
    private ExportedModel(DitWeights weights, SmoothedWeights smoothed, QuantizedWeights quantized, CalibrationStatistics? statistics,
        IReadOnlyDictionary<string, string> metadata)
    {
        Weights = weights;
        Smoothed = smoothed;
        Quantized = quantized;
        Statistics = statistics;
        Metadata = metadata;
    }

    public DitWeights Weights { get; }

    public SmoothedWeights Smoothed { get; }

    public QuantizedWeights Quantized { get; }

    /// <summary>The static activation ranges (null when the recipe has none).</summary>
    public CalibrationStatistics? Statistics { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <param name="recipeText">The recipe the plan was compiled from; its SHA-256 must be the one the file records.</param>
    public static ExportedModel Load(string path, RecipePlan plan, string recipeText, ITensorBackend backend)
    {
        using var file = Checkpoint.OpenPacked(path);
        return new Reader(path, file, plan, backend).Read(recipeText);
    }

    public void Dispose()
    {
        Quantized.Dispose();
        Smoothed.Dispose();
        Weights.Dispose();
    }

    private sealed class Reader(string path, Checkpoint file, RecipePlan plan, ITensorBackend backend)
    {
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        private CheckpointException Bad(string problem) => new(path, problem);

        public ExportedModel Read(string recipeText)
        {
            var metadata = file.Metadata;
            string Meta(string key) => metadata.TryGetValue(key, out var value)
                ? value
                : throw Bad($"has no '{key}' metadata entry: not a model written by 'qrecipe export-model'");
            if (Meta(ExportNames.FormatKey) != ExportNames.FormatName)
                throw Bad($"metadata 'format' is '{SafeText.Escape(Meta(ExportNames.FormatKey), 60)}', not '{ExportNames.FormatName}': not a model written by 'qrecipe export-model'");
            if (Meta(ExportNames.FormatVersionKey) != ExportNames.FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
                throw Bad($"format version '{SafeText.Escape(Meta(ExportNames.FormatVersionKey), 20)}'; this qrecipe reads version {ExportNames.FormatVersion}");
            var expected = ModelExporter.RecipeHash(recipeText);
            var recorded = Meta(ExportNames.RecipeHashKey);
            if (recorded != expected)
                throw Bad($"was exported from another recipe (recipe SHA-256 {SafeText.Escape(recorded, 64)} in the file, {expected} for this recipe); run it with the recipe it was exported from, or export it again");
            if (Meta(ExportNames.RecipeKey) != recipeText)
                throw Bad("its recipe text does not match its recipe SHA-256");
            if (Meta(ExportNames.ModelKey) != plan.Model.Name)
                throw Bad($"holds a model of '{SafeText.Escape(Meta(ExportNames.ModelKey), 40)}', the recipe runs {plan.Model.Name}");
            PackedLayout layout;
            try
            {
                layout = JsonSerializer.Deserialize(Meta(ExportNames.LayoutKey), PackedLayoutJson.Default.PackedLayout) ?? throw Bad("metadata 'layout' is null");
            }
            catch (JsonException e)
            {
                throw Bad($"metadata 'layout' is not a valid layout: {SafeText.Escape(e.Message, 200)}");
            }
            if (layout.Versions is null || layout.FloatWeights is null || layout.Smoothing is null || layout.ActivationRanges is null)
                throw Bad("metadata 'layout' lacks one of versions, float_weights, smoothing, activation_ranges");

            if (layout.FloatWeights.Any(name => name is null))
                throw Bad("metadata 'layout' lists a null float weight");
            var floatWeights = new HashSet<string>(layout.FloatWeights, StringComparer.Ordinal);
            var weights = DitWeights.FromTensors(plan.Model, backend, (name, shape) => Float(name, shape),
                (name, shape) => floatWeights.Contains(name[..^".weight".Length]) ? Float(name, shape) : null);
            SmoothedWeights? smoothed = null;
            QuantizedWeights? quantized = null;
            try
            {
                var versions = WeightVersions.Of(plan, weights);
                foreach (var layer in versions.FloatLayers)
                {
                    if (!layer.HoldsWeight)
                        throw Bad($"has no float weight of {layer.Name}, which the recipe multiplies in floating point");
                }
                if (floatWeights.Count != versions.FloatLayers.Count)
                    throw Bad($"lists {floatWeights.Count} float weights; the recipe multiplies {versions.FloatLayers.Count} layers in floating point");
                smoothed = SmoothedWeights.Prefolded(Smoothing(layout, weights));
                quantized = Quantized(layout, versions, weights);
                var statistics = Ranges(layout);
                var unused = file.Tensors.Select(t => t.Name).FirstOrDefault(n => !_used.Contains(n));
                if (unused is not null)
                    throw Bad($"holds tensor {SafeText.Quote(unused)}, which its layout does not describe");
                return new ExportedModel(weights, smoothed, quantized, statistics, metadata);
            }
            catch
            {
                quantized?.Dispose();
                smoothed?.Dispose();
                weights.Dispose();
                throw;
            }
        }

        private CheckpointEntry Entry(string name, CheckpointDType dtype, params int[] shape)
        {
            if (!file.Tensors.TryGetValue(name, out var entry))
                throw Bad($"has no tensor {SafeText.Quote(name)}");
            if (entry.DType != dtype || !entry.Shape.SequenceEqual(shape))
                throw Bad($"tensor {entry} should be {(dtype == CheckpointDType.UInt8 ? "U8" : "F32")} {CheckpointEntry.FormatShape(shape)}");
            if (!_used.Add(name))
                throw Bad($"names tensor {SafeText.Quote(name)} twice in its layout");
            return entry;
        }

        private Tensor Float(string name, int[] shape)
        {
            var tensor = Tensor.Empty(shape);
            try
            {
                Entry(name, CheckpointDType.Float32, shape).CopyFiniteTo(tensor.AsSpan<float>(), path);
                return tensor;
            }
            catch
            {
                tensor.Dispose();
                throw;
            }
        }

        private float[] Floats(string name, params int[] shape)
        {
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            Entry(name, CheckpointDType.Float32, shape).CopyFiniteTo(values, path);
            return values;
        }

        private byte[] Bytes(string name, long count)
        {
            if (count > Array.MaxLength)
                throw Bad($"tensor {SafeText.Quote(name)} would need {count} bytes");
            var values = Entry(name, CheckpointDType.UInt8, (int)count).ToArray();
            var bytes = new byte[values.Length];
            for (var i = 0; i < bytes.Length; i++)
                bytes[i] = (byte)values[i];
            return bytes;
        }

        private Dictionary<string, float[]> Smoothing(PackedLayout layout, DitWeights weights)
        {
            var expected = new List<string>();
            for (var block = 0; block < plan.Depth; block++)
            {
                if (plan.GetSmoothing(block, Operator.Fc2).Method != SmoothMethod.None)
                    expected.Add(weights.Blocks[block].Fc2.Name);
                if (plan.GetSmoothing(block, Operator.AdaLN).Method != SmoothMethod.None)
                    expected.Add(weights.Blocks[block].AdaLN.Name);
            }
            if (layout.Smoothing.Any(name => name is null))
                throw Bad("metadata 'layout' lists a null smoothing layer");
            var listed = new HashSet<string>(layout.Smoothing, StringComparer.Ordinal);
            if (!listed.SetEquals(expected) || listed.Count != layout.Smoothing.Count)
                throw Bad($"lists run-time smoothing factors for {ShortList.Join(", ", layout.Smoothing, format: s => SafeText.Escape(s))}; the recipe divides the inputs of {(expected.Count == 0 ? "no layer" : ShortList.Join(", ", expected))}");
            var factors = new Dictionary<string, float[]>(StringComparer.Ordinal);
            foreach (var layer in ModelExporter.Layers(weights).Where(l => listed.Contains(l.Name)))
            {
                var s = Floats(ExportNames.Smoothing(layer.Name), layer.InFeatures);
                if (s.Any(v => !(v > 0)))
                    throw Bad($"smoothing factors of {layer.Name} must be positive");
                factors[layer.Name] = s;
            }
            return factors;
        }

        private CalibrationStatistics? Ranges(PackedLayout layout)
        {
            if (layout.ActivationRanges.Count == 0)
                return null;
            var statistics = new CalibrationStatistics();
            foreach (var range in layout.ActivationRanges)
            {
                if (range?.Operand is null || range.Tensor is null || range.Tensor != ExportNames.ActivationRange(range.Operand) || range.Batches < 1)
                    throw Bad($"has a malformed activation range entry '{SafeText.Escape(range?.Operand ?? "null", 80)}'");
                var values = Floats(range.Tensor, 2);
                if (!(values[0] <= values[1]))
                    throw Bad($"activation range {SafeText.Quote(range.Operand)} has min {values[0]} above max {values[1]}");
                if (!statistics.Ranges.TryAdd(range.Operand, StaticRange.Restored(values[0], values[1], range.Batches)))
                    throw Bad($"lists the activation range {SafeText.Quote(range.Operand)} twice");
            }
            return statistics;
        }

        private QuantizedWeights Quantized(PackedLayout layout, WeightVersions versions, DitWeights weights)
        {
            var byKey = new Dictionary<(string Layer, string Steps), PackedVersion>();
            foreach (var version in layout.Versions)
            {
                if (version?.Layer is null || version.Steps is null || version.Setting is null || version.Kind is null || version.Codes is null)
                    throw Bad("metadata 'layout' has a version without layer, steps, setting, kind or codes");
                if (!byKey.TryAdd((version.Layer, version.Steps), version))
                    throw Bad($"lists {SafeText.Quote(version.Layer)} steps {SafeText.Escape(version.Steps, 80)} twice");
            }
            if (byKey.Count != versions.Quantized.Count)
                throw Bad($"holds {byKey.Count} quantized weight versions; the recipe needs {versions.Quantized.Count}");
            var result = QuantizedWeights.Empty();
            try
            {
                foreach (var needed in versions.Quantized)
                {
                    var steps = ExportNames.StepRanges(needed.Steps);
                    if (!byKey.TryGetValue((needed.Layer.Name, steps), out var packed))
                        throw Bad($"has no quantized weight of {needed.Layer.Name} for steps {steps} ({needed.Setting})");
                    var (values, report) = Unpack(packed, needed, weights);
                    result.Add(needed.Layer.Name, needed.Setting, Tensor.From(values, needed.Layer.OutFeatures, needed.Layer.InFeatures), report);
                }
            }
            catch
            {
                result.Dispose();
                throw;
            }
            return result;
        }

        private (float[] Values, WeightQuantReport Report) Unpack(PackedVersion packed, WeightVersion needed, DitWeights weights)
        {
            var layer = needed.Layer;
            var setting = needed.Setting;
            var what = $"{layer.Name} steps {packed.Steps}";
            var codebook = setting.Method is WeightMethod.KMeansC or WeightMethod.KMeansA;
            var groupLength = GroupLayout.Length(layer.Name, setting.Granularity, setting.GroupSize, layer.OutFeatures, layer.InFeatures, weight: true);
            var kind = codebook ? PackedLayout.CodebookKind : PackedLayout.UniformKind;
            if (packed.Setting != setting.ToString() || packed.Kind != kind || packed.Bits != setting.Bits || packed.Rows != layer.OutFeatures
                || packed.Cols != layer.InFeatures || packed.GroupLength != groupLength)
            {
                throw Bad($"describes {what} as {SafeText.Escape(packed.Kind, 20)} '{SafeText.Escape(packed.Setting, 80)}' of {packed.Bits} bits, "
                          + $"{packed.Rows}x{packed.Cols} in groups of {packed.GroupLength}; the recipe has {kind} '{setting}' of {setting.Bits} bits, "
                          + $"{layer.OutFeatures}x{layer.InFeatures} in groups of {groupLength}");
            }
            var count = layer.OutFeatures * layer.InFeatures;
            var groups = count / groupLength;
            var bits = setting.Bits;
            if (packed.Codes != ExportNames.Codes(ExportNames.VersionPrefix(layer.Name, packed.Steps, packed.Codes.Contains(".steps", StringComparison.Ordinal)), bits, codebook))
                throw Bad($"names the codes of {what} {SafeText.Quote(packed.Codes)}, not by the naming convention");
            var codes = new int[count];
            var stream = Bytes(packed.Codes, PackedBits.ByteCount(count, bits));
            if ((long)count * bits % 8 is var used and > 0 && stream[^1] >> (int)used != 0)
                throw Bad($"tensor {SafeText.Quote(packed.Codes)} has bits set past its last code");
            PackedBits.Unpack(stream, bits, codes);
            float[] values;
            if (codebook)
            {
                var entries = Math.Min(1 << bits, groupLength);
                var books = Floats(packed.Codebook ?? throw Bad($"has no codebook for {what}"), groups, entries);
                var indices = new byte[count];
                for (var i = 0; i < count; i++)
                {
                    if (codes[i] >= entries)
                        throw Bad($"codebook index {codes[i]} at element {i} of {what} exceeds the {entries} entries");
                    indices[i] = (byte)codes[i];
                }
                var perGroup = new float[groups][];
                for (var g = 0; g < groups; g++)
                    perGroup[g] = books.AsSpan(g * entries, entries).ToArray();
                values = new CodebookCodes(layer.OutFeatures, layer.InFeatures, groupLength, indices, perGroup).Dequantize();
            }
            else
            {
                var scales = Floats(packed.Scale ?? throw Bad($"has no scales for {what}"), groups);
                var zeros = packed.Zero is null ? new float[groups] : Floats(packed.Zero, groups);
                var offset = packed.Signed ? 1 << (bits - 1) : 0;
                var grids = new UniformGrid[groups];
                for (var g = 0; g < groups; g++)
                {
                    if (zeros[g] != MathF.Round(zeros[g]))
                        throw Bad($"zero point {zeros[g]} of group {g} of {what} is not a whole number");
                    grids[g] = new UniformGrid(scales[g], zeros[g], -offset, (1 << bits) - 1 - offset);
                }
                for (var i = 0; i < count; i++)
                    codes[i] -= offset;
                values = new UniformCodes(layer.OutFeatures, layer.InFeatures, groupLength, codes, grids).Dequantize();
            }
            var lowRank = BlockSite(weights, layer) is var (block, op) && plan.GetSmoothing(block, op) is { Method: SmoothMethod.Ditas, LowRank: not null };
            if (lowRank != (packed.Rank > 0))
                throw Bad(lowRank ? $"has no low-rank factors for {what}, which the recipe compensates" : $"has low-rank factors for {what}, which the recipe does not compensate");
            if (lowRank)
            {
                if (packed.Rank > Math.Min(layer.OutFeatures, layer.InFeatures) || packed.LowRankLeft is null || packed.LowRankRight is null)
                    throw Bad($"low-rank factors of {what}: rank {packed.Rank} out of range or a factor missing");
                var factors = new LowRankFactors(Floats(packed.LowRankLeft, layer.OutFeatures, packed.Rank), Floats(packed.LowRankRight, packed.Rank, layer.InFeatures), packed.Rank);
                values = QuantizedWeights.WithLowRank(values, factors, layer.OutFeatures, layer.InFeatures);
            }
            if (!double.IsFinite(packed.RelativeError) || packed.RelativeError < 0 || packed.OverheadWords < 0)
                throw Bad($"reports a relative error {packed.RelativeError} or overhead {packed.OverheadWords} out of range for {what}");
            foreach (var v in values)
            {
                if (!float.IsFinite(v))
                    throw Bad($"dequantizes {what} to a non-finite value");
            }
            return (values, new WeightQuantReport(layer.Name, setting, count, packed.OverheadWords, packed.RelativeError));
        }

        /// <summary>The block and operator of a block layer; null for the embedders and the final layer (never smoothed).</summary>
        private static (int Block, Operator Op)? BlockSite(DitWeights weights, LinearWeights layer)
        {
            for (var b = 0; b < weights.Blocks.Count; b++)
            {
                var block = weights.Blocks[b];
                if (layer == block.Qkv) return (b, Operator.Qkv);
                if (layer == block.Proj) return (b, Operator.Proj);
                if (layer == block.Fc1) return (b, Operator.Fc1);
                if (layer == block.Fc2) return (b, Operator.Fc2);
                if (layer == block.AdaLN) return (b, Operator.AdaLN);
            }
            return null;
        }
    }
}
