using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using QRecipe.Language;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax.Parsing;
using QRecipe.Language.Text;

namespace QRecipe.Benchmarks;

/// <summary>
/// Front-end cost of the default 28-block recipe (recipes/dit_w4a8_sc.qrecipe), next to what the format it replaces
/// costs to read: System.Text.Json deserialising the equivalent scmp SCPrecisionMap (docs/cli.md, "scmp interop"; one
/// object per block). The JSON peer is the baseline, so the Ratio column is compile time over JSON time.
/// </summary>
[MemoryDiagnoser]
public class LanguageBenchmarks
{
    private string _recipe = string.Empty;
    private string _json = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _recipe = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "recipes", "dit_w4a8_sc.qrecipe"));
        _json = ScmpMapOfDefaultRecipe();
        if (RecipeCompiler.Compile(_recipe).Plan is null || JsonSerializer.Deserialize<ScPrecisionMap>(_json)!.Blocks.Count != 28)
            throw new InvalidDataException("benchmark inputs do not load");
    }

    [Benchmark(Description = "qrecipe parse+bind+lower")]
    public object? Compile() => RecipeCompiler.Compile(_recipe, "dit_w4a8_sc.qrecipe").Plan;

    [Benchmark(Description = "qrecipe parse only")]
    public object Parse() => RecipeParser.Parse(new SourceText(_recipe, "dit_w4a8_sc.qrecipe"), new List<Diagnostic>());

    [Benchmark(Baseline = true, Description = "System.Text.Json scmp map")]
    public object? Json() => JsonSerializer.Deserialize<ScPrecisionMap>(_json);

    /// <summary>The SC part of dit_w4a8_sc.qrecipe as scmp writes it: blocks 0 and 27 off; qk on in blocks 1..26 for
    /// the noisiest half (timewise 0.5); av on in blocks 1..13 with heads 8..15 at 64; fc1 on in blocks 1..21 at 192.
    /// Every block lists all six operators, as <c>--save_sc_config</c> does.</summary>
    private static string ScmpMapOfDefaultRecipe()
    {
        static OpEntry Off() => new(false, 256, 0.0, null);
        var blocks = new List<Dictionary<string, OpEntry>>();
        for (var b = 0; b < 28; b++)
        {
            var edge = b is 0 or 27;
            blocks.Add(new Dictionary<string, OpEntry>
            {
                ["qk"] = edge ? Off() : new OpEntry(true, 256, 0.5, null),
                ["av"] = !edge && b < 14 ? new OpEntry(true, 128, 1.0, Enumerable.Repeat(128, 8).Concat(Enumerable.Repeat(64, 8)).ToList()) : Off(),
                ["proj"] = Off(),
                ["mlp_fc1"] = !edge && b <= 21 ? new OpEntry(true, 192, 1.0, null) : Off(),
                ["mlp_fc2"] = Off(),
                ["input_proj"] = Off(),
            });
        }
        return JsonSerializer.Serialize(new ScPrecisionMap(28, 256, 0.0, blocks), new JsonSerializerOptions { WriteIndented = true });
    }

    public sealed record ScPrecisionMap(
        [property: JsonPropertyName("total_blocks")] int TotalBlocks,
        [property: JsonPropertyName("default_stoc_len")] int DefaultStocLen,
        [property: JsonPropertyName("default_timewise")] double DefaultTimewise,
        [property: JsonPropertyName("blocks")] List<Dictionary<string, OpEntry>> Blocks);

    public sealed record OpEntry(
        [property: JsonPropertyName("enabled")] bool Enabled,
        [property: JsonPropertyName("stoc_len")] int StocLen,
        [property: JsonPropertyName("timewise")] double Timewise,
        [property: JsonPropertyName("group_stoc_lens")] List<int>? GroupStocLens);
}
