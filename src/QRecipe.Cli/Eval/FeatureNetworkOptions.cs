using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using QRecipe.Cli.Run;
using QRecipe.Evaluation.Features;
using QRecipe.Evaluation.Quality;
using QRecipe.Plan.Text;
using QRecipe.Runtime.Bundled;

namespace QRecipe.Cli.Eval;

/// <summary>The options of <c>qrecipe eval</c> that choose and describe the feature network (docs/evaluation.md): the
/// bundled Fashion-MNIST classifier by default, or any ONNX network given with <c>--features</c>.</summary>
internal sealed class FeatureNetworkOptions
{
    public Option<string?> Model { get; } = new("--features") { Description = "ONNX feature network (default: the bundled Fashion-MNIST classifier)" };
    public Option<string?> InputName { get; } = new("--input-name") { Description = "Its image input (default: its only input)" };
    public Option<string> PooledOutput { get; } = new("--pooled-output") { Description = "Output with the pooled features for FID, precision and recall", DefaultValueFactory = _ => "features" };
    public Option<string?> LogitsOutput { get; } = new("--logits-output") { Description = "Output with class logits for the Inception-style score and class accuracy (default: 'logits' where the network has it)" };
    public Option<string?> SpatialOutput { get; } = new("--spatial-output") { Description = "Output with spatial features for sFID (default: 'spatial' where the network has it)" };
    public Option<string> Layout { get; } = new("--layout") { Description = "Input layout: nchw or nhwc", DefaultValueFactory = _ => "nchw" };
    public Option<string?> InputSize { get; } = new("--input-size") { Description = "Input height and width, H or HxW (default: the input's fixed size)" };
    public Option<int> InputChannels { get; } = new("--input-channels") { Description = "Input channels (default: the input's fixed count)" };
    public Option<string> Range { get; } = new("--range") { Description = "Values pixels 0 and 255 map to, MIN,MAX", DefaultValueFactory = _ => "-1,1" };
    public Option<string> Resize { get; } = new("--resize") { Description = "Images of another size: bilinear (half-pixel centres) or none (refuse them)", DefaultValueFactory = _ => "bilinear" };

    public FeatureNetworkOptions()
    {
        Layout.AcceptOnlyFromAmong("nchw", "nhwc");
        Resize.AcceptOnlyFromAmong("bilinear", "none");
    }

    public Option[] All => new Option[] { Model, InputName, PooledOutput, LogitsOutput, SpatialOutput, Layout, InputSize, InputChannels, Range, Resize };

    /// <summary>Opens the chosen network; a usage problem is one line on <paramref name="error"/> and null, a file
    /// problem an <see cref="InvalidDataException"/> (exit 1).</summary>
    public FeatureNetwork? Open(ParseResult result, TextWriter error)
    {
        var path = result.GetValue(Model);
        if (path is null)
        {
            var given = All.Skip(1).Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
            if (given.Length > 0)
            {
                error.WriteLine($"qrecipe: {string.Join(", ", given)} describe a network given with --features; the bundled classifier needs none");
                return null;
            }
            return FeatureNetwork.Open(BundledAssets.Locate(BundledClassifier.NetworkFile), FeatureNetworkSpec.BundledClassifier, Environment.ProcessorCount);
        }
        if (!InputFile.Exists("--features", path, error))
            return null;
        if (!TryRange(result.GetRequiredValue(Range), out var min, out var max))
        {
            error.WriteLine($"qrecipe: --range {SafeText.Escape(result.GetRequiredValue(Range), 40)}: give MIN,MAX with MIN < MAX, e.g. -1,1 or 0,255");
            return null;
        }
        int height = 0, width = 0;
        if (result.GetValue(InputSize) is { } size && !TrySize(size, out height, out width))
        {
            error.WriteLine($"qrecipe: --input-size {SafeText.Escape(size, 40)}: give H or HxW, positive whole numbers (e.g. 299)");
            return null;
        }
        int channels = result.GetValue(InputChannels);
        if (channels < 0 || channels > 4)
        {
            error.WriteLine($"qrecipe: --input-channels {channels}: 1 to 4");
            return null;
        }
        var (inputs, outputs) = FeatureNetwork.Names(path);
        var input = result.GetValue(InputName) ?? (inputs.Length == 1 ? inputs[0]
            : throw new InvalidDataException($"{SafeText.Escape(path)} has {inputs.Length} inputs ({ShortList.Join(", ", inputs, format: SafeText.Quote)}); name the image input with --input-name"));
        string? Optional(Option<string?> option, string name) => result.GetValue(option) ?? (outputs.Contains(name) ? name : null);
        var spec = new FeatureNetworkSpec(input, result.GetRequiredValue(PooledOutput), Optional(LogitsOutput, "logits"), height, width, channels, min, max)
        {
            SpatialOutput = Optional(SpatialOutput, "spatial"),
            ChannelsLast = result.GetRequiredValue(Layout) == "nhwc",
            Resize = result.GetRequiredValue(Resize) == "bilinear",
        };
        return FeatureNetwork.Open(path, spec, Environment.ProcessorCount);
    }

    private static bool TryRange(string text, out float min, out float max)
    {
        min = max = 0;
        var parts = text.Split(',');
        return parts.Length == 2
            && float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out min)
            && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out max)
            && float.IsFinite(min) && float.IsFinite(max) && min < max;
    }

    private static bool TrySize(string text, out int height, out int width)
    {
        var parts = text.Split('x');
        height = width = 0;
        bool ok = parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out height)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out width);
        return ok && height is > 0 and <= 8192 && width is > 0 and <= 8192;
    }
}
