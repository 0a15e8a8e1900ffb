using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Diagnostics;

namespace QRecipe.Language.Tests;

/// <summary>
/// One triggering recipe per catalogue ID. Line and column are counted by hand; snippets compiled with
/// <see cref="Snippets.Header"/> start at line 4. <see cref="MessageNames"/> are the offending value and the limit
/// (or, where there is no number, the words the message must name).
/// </summary>
public sealed class DiagnosticTests
{
    public sealed record Case(string Text, int Line, int Column, params string[] MessageNames);

    private const string H = Snippets.Header;
    private const string Cal = "calibrate samples 8\n"; // line 4 when present

    /// <summary>Not triggered by <see cref="RecipeCompiler"/>: QR0800 (two recipes with one name) is reported by the
    /// source generator across files (src/QRecipe.Generator, tests/QRecipe.Generator.Tests) and QR0801 (unreadable
    /// file) by the CLI when it reads a file (src/QRecipe.Cli/RecipeFiles.cs, tests/QRecipe.Cli.Tests).</summary>
    private static readonly string[] ReportedOutsideTheCompiler = { "QR0800", "QR0801" };

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Syntax
        ["QR0001"] = new(H + "weights int4 group\n", 4, 19, "end of line", "a number"),
        ["QR0002"] = new(H + "wieghts int8\n", 4, 1, "wieghts", "'weights'"),
        ["QR0003"] = new("recipe A \"unfinished\nmodel dit-xl/2\nsampler ddpm steps 50\n", 1, 10, "not closed", "'\"'"),
        ["QR0004"] = new(H + string.Concat(Enumerable.Repeat("at blocks all {\n", 17)) + "weights int8\n" + new string('}', 17) + "\n", 20, 15, "17", "16"),
        ["QR0005"] = new(H + "weights int8\u00A0per-channel\n", 4, 13, "U+00A0", "ASCII"),
        ["QR0006"] = new(H + "weights int4 group 99999999999999999999\n", 4, 20, "99999999999999999999", "2147483647"),
        ["QR0007"] = new(H + "at blocks 0 {\n  weights int8\n", 4, 13, "line 4", "never closed"),
        ["QR0008"] = new("recipe T \"left\u202Eright\"\nmodel dit-xl/2\nsampler ddpm steps 50\n", 1, 15, "U+202E", "bidirectional control", "string"),
        // Header
        ["QR0100"] = new("model dit-xl/2\nsampler ddpm steps 50\n", 1, 1, "recipe"),
        ["QR0101"] = new("recipe my-recipe\nmodel dit-xl/2\nsampler ddpm steps 50\n", 1, 8, "my-recipe", "MyRecipe"),
        ["QR0102"] = new("recipe T\nsampler ddpm steps 50\n", 1, 1, "model"),
        ["QR0103"] = new("recipe T\nmodel dit-xl/3\nsampler ddpm steps 50\n", 2, 7, "dit-xl/3", "did you mean 'dit-xl/2'"),
        ["QR0104"] = new("recipe T\nmodel dit-xl/2 image 384\nsampler ddpm steps 50\n", 2, 22, "384", "256", "512"),
        ["QR0105"] = new("recipe T\nmodel custom { depth 4 hidden 130 heads 4 patch 2 latent 16 }\nsampler ddpm steps 50\n", 2, 1, "hidden 130", "heads 4"),
        ["QR0106"] = new("recipe T\nmodel dit-xl/2\n", 1, 1, "sampler", "steps"),
        ["QR0107"] = new("recipe T\nmodel dit-xl/2\nsampler ddpm steps 1001\n", 3, 20, "1001", "1..1000"),
        ["QR0108"] = new(H + "model dit-l/2\n", 4, 1, "'model'", "line 2"),
        ["QR0109"] = new(H + "weights int4 symmetric asymmetric\n", 4, 24, "'asymmetric'", "'symmetric'"),
        ["QR0110"] = new(H + "at blocks 0 {\n  model dit-xl/2\n}\n", 5, 3, "'model'", "top level"),
        ["QR0111"] = new(H + "calibrate samples 8 batch 16\n", 4, 21, "batch 16", "samples 8"),
        // Selectors
        ["QR0200"] = new(H + "at blocks 28 {\n  weights int8\n}\n", 4, 11, "block 28", "0..27"),
        ["QR0201"] = new(H + "at steps 50 {\n  weights int8\n}\n", 4, 10, "step 50", "0..49"),
        ["QR0202"] = new(H + "sc {\n  qk heads 16 stream 256\n}\n", 5, 12, "head 16", "0..15"),
        ["QR0203"] = new(H + "sc {\n  fc1 groups 8 of 8 stream 256\n}\n", 5, 14, "group 8", "0..7"),
        ["QR0204"] = new(H + "at blocks 5..3 {\n  weights int8\n}\n", 4, 11, "5..3", "3..5"),
        ["QR0205"] = new(H + "at blocks first 150% {\n  weights int8\n}\n", 4, 17, "150", "100"),
        ["QR0206"] = new(H + "at blocks first 3% {\n  weights int8\n}\n", 4, 11, "3%", "28", "4%"),
        ["QR0207"] = new(H + "activations int8 on all\nsc {\n  qk heads 0..15, 0 stream 256\n}\n", 6, 12, "17 heads", "has 16"),
        ["QR0208"] = new(H + "at blocks first 30 {\n  weights int8\n}\n", 4, 17, "30", "28"),
        ["QR0209"] = new(H + "at blocks 0, 0..3 {\n  weights int8\n}\n", 4, 14, "block 0"),
        ["QR0210"] = new(H + "sc {\n  fc1 heads 0..3 stream 256\n}\n", 5, 7, "fc1", "qk and av"),
        ["QR0211"] = new(H + "sc {\n  fc1 groups all of 7 stream 256\n}\n", 5, 21, "7 groups", "4608"),
        ["QR0212"] = new(H + "sc {\n  fc1 groups all of 8 stream 256\n  fc1 groups all of 4 stream 128\n}\n", 6, 21, "8 groups", "line 5"),
        ["QR0213"] = new(H + Cal + "at steps 0..9 {\n  smooth ditas alpha 0.5\n}\n", 6, 3, "steps"),
        // Operators
        ["QR0300"] = new(H + "weights int8 on fc3\n", 4, 17, "'fc3'", "did you mean"),
        ["QR0301"] = new(H + "weights int8 on qk\n", 4, 17, "'qk'", "activations"),
        ["QR0302"] = new(H + "sc {\n  embed stream 256\n}\n", 5, 3, "'embed'"),
        ["QR0303"] = new(H + Cal + "smooth smoothquant alpha 0.5 on av\n", 5, 33, "'av'"),
        ["QR0304"] = new(H + "weights int8 on qkv, attn\n", 4, 22, "'attn'", "qkv"),
        // Quantization
        ["QR0400"] = new(H + "weights int9\n", 4, 9, "int9", "int2..int8"),
        ["QR0401"] = new(H + "weights int4 group 100\n", 4, 14, "group size 100", "1152", "qkv"),
        ["QR0402"] = new(H + Cal + "activations int8 static symmetric\n", 5, 25, "'symmetric'", "asymmetric"),
        ["QR0403"] = new(H + "activations int8 static\n", 4, 1, "calibrate"),
        ["QR0404"] = new(H + "weights int8 per-token\n", 4, 14, "'per-token'", "per-channel"),
        ["QR0405"] = new(H + Cal + "activations int8 static per-token\n", 5, 25, "'per-token'", "per tensor"),
        ["QR0406"] = new(H + "weights int4 kmeans-a per-channel\n", 4, 14, "kmeans-a", "'per-channel'"),
        // Smoothing
        ["QR0500"] = new(H + Cal + "smooth smoothquant alpha 1.5\n", 5, 26, "alpha 1.5", "[0, 1]"),
        ["QR0501"] = new(H + Cal + "smooth ditas alpha search 0..1 by 0.0001\n", 5, 35, "0.0001", "1000"),
        ["QR0502"] = new(H + Cal + "smooth smoothquant alpha 0.5 lowrank 32\n", 5, 30, "'lowrank'", "smooth ditas"),
        ["QR0503"] = new(H + Cal + "smooth ditas alpha 0.5 lowrank 5000\n", 5, 32, "5000", "1..4096"),
        ["QR0504"] = new(H + Cal + "smooth ditas on qkv\n", 5, 8, "alpha"),
        // Stochastic computing
        ["QR0600"] = new(H + "sc precision 16 {\n  qk stream 256\n}\n", 4, 14, "16", "1..15"),
        ["QR0601"] = new(H + "sc precision 8 {\n  qk stream 512\n}\n", 5, 13, "512", "256"),
        ["QR0602"] = new(H + "sc {\n  qk stream 100\n}\n", 5, 13, "100", "32"),
        ["QR0603"] = new(H + "sc {\n  mp qk levels 256 128 fractions 1.5 -0.5\n}\n", 5, 34, "1.5", "[0, 1]"),
        ["QR0604"] = new(H + "sc {\n  mp qk levels 256 128 fractions 0.5 0.4\n}\n", 5, 24, "0.9", "sum to 1"),
        ["QR0605"] = new(H + "sc {\n  mp qk levels 128 256 fractions 0.5 0.5\n}\n", 5, 9, "128 256", "descending"),
        ["QR0606"] = new(H + "sc {\n  mp qk levels 256 128 fractions 1\n}\n", 5, 24, "1 fractions", "2 levels"),
        ["QR0607"] = new(H + "sc {\n  mp qk levels 512 128 fractions 0.5 0.5\n}\n", 5, 16, "512", "256"),
        ["QR0608"] = new(H + "weights int8 asymmetric\nsc kernel xnor {\n  qkv stream 256\n}\n", 6, 3, "XNOR", "qkv", "asymmetric"),
        ["QR0609"] = new(H + "weights int8\nsc kernel and {\n  qkv stream 256\n}\n", 6, 3, "AND", "qkv", "symmetric"),
        ["QR0610"] = new(H + "weights int8\nsc {\n  qkv stream 256\n}\n", 6, 3, "qkv", "FP"),
        ["QR0611"] = new(H + "activations int8 on all\nsc chunk 64 {\n  qk stream 256\n}\n", 6, 3, "chunk", "qk"),
        ["QR0612"] = new(H + "weights int8 asymmetric\nactivations int8\nsc halve {\n  qkv stream 256\n}\n", 7, 3, "'halve'", "qkv", "unipolar"),
        ["QR0613"] = new(H + "sc noise local 150 {\n  qk stream 256\n}\n", 4, 16, "150", "[0, 100]"),
        ["QR0614"] = new(H + "activations int8 asymmetric on all\nsc {\n  qk heads 0..7 stream 128\n}\n", 6, 3, "per-head", "qk", "asymmetric"),
        ["QR0615"] = new(H + "sc {\n  mp qk levels 256 128 fractions 0.5 0.5\n}\n", 5, 3, "SC is off"),
        ["QR0616"] = new(H + "activations int8 on all\nsc precision 6 kernel xnor {\n  qk stream 32\n}\n", 6, 13, "32", "xnor", "64", "kernel enable"),
        ["QR0617"] = new(H + "activations int8 on all\nsc {\n  qk stream 256\n  mp qk levels 256 adaptive\n}\n", 7, 9, "at least two levels", "got 1"),
        ["QR0618"] = new(H + "activations int8 on all\nsc {\n  qk stream 256\n  mp qk levels 256 128 fractions 0.5 0.5 adaptive\n}\n", 7, 42, "'fractions'", "'adaptive'"),
        ["QR0619"] = new(H + "sc {\n  fc1 stream 256\n  range fc1 levels 256 128 group 100\n}\n", 6, 28, "group 100", "4608", "fc1"),
        ["QR0620"] = new(H + "weights int8\nactivations int8\nsc {\n  fc1 groups 0 of 4 stream 128\n  range fc1 levels 256 128 group 0\n}\n", 8, 3, "line 7", "fc1", "choose one"),
        // Cascade: 5 linear operators x 28 blocks x 50 steps = 7000 cells, all overridden by the next line.
        ["QR0700"] = new(H + "weights int8\nweights int4\n", 4, 1, "7000"),
        // Tune sections
        ["QR1000"] = new(H + "tune {\n  wbits linear choices 8 8\n}\n", 5, 26, "8", "twice"),
        ["QR1001"] = new(H + "tune budget wbits 50% {\n  wbits linear choices 8 4\n}\n", 4, 6, "50%", "percentage"),
        ["QR1002"] = new(H + "tune seeds 0 {\n  wbits linear choices 8 4\n}\n", 4, 12, "0", "1..1000000"),
        ["QR1003"] = new(H + "tune {\n  wbits qk choices 8 4\n}\n", 5, 9, "'qk'", "abits"),
        ["QR1004"] = new(H + "tune {\n}\n", 4, 1, "no rule"),
        ["QR1005"] = new(H + "tune {\n  stream qk choices 256 64\n}\n", 5, 3, "step 0, block 0, qk", "without SC"),
        ["QR1006"] = new(H + "tune {\n  wbits fc1 choices 8 4\n  wbits linear choices 8 6\n}\n", 6, 3, "line 5", "fc1"),
    };

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var id in Cases.Keys.OrderBy(k => k, StringComparer.Ordinal))
            data.Add(id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Triggering_recipe_reports_the_id_at_the_offending_position(string id)
    {
        var @case = Cases[id];
        var compilation = Snippets.Compile(@case.Text);
        var matching = compilation.Diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count > 0, $"no {id}; got:\n{string.Join("\n", compilation.Diagnostics)}");
        var diagnostic = matching.FirstOrDefault(d => d.Span.Line == @case.Line && d.Span.Column == @case.Column);
        Assert.True(diagnostic is not null, $"{id} expected at ({@case.Line},{@case.Column}); got:\n{string.Join("\n", matching)}");
        foreach (var name in @case.MessageNames)
            Assert.Contains(name, diagnostic!.Message, StringComparison.Ordinal);
        var descriptor = DiagnosticCatalog.All.Single(d => d.Id == id);
        Assert.Same(descriptor, diagnostic!.Descriptor);
        Assert.Equal(descriptor.Severity == DiagnosticSeverity.Error, compilation.Plan is null);
        Assert.StartsWith($"t.qrecipe({@case.Line},{@case.Column}): {descriptor.Severity.ToString().ToLowerInvariant()} {id}: ", diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_catalogue_id_has_a_triggering_case()
    {
        var expected = DiagnosticCatalog.All.Select(d => d.Id).Except(ReportedOutsideTheCompiler).OrderBy(i => i, StringComparer.Ordinal);
        Assert.Equal(expected, Cases.Keys.OrderBy(i => i, StringComparer.Ordinal));
    }

    [Fact]
    public void Catalogue_ids_are_unique_and_well_formed()
    {
        var ids = DiagnosticCatalog.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^QR[01][0-9]{3}$", id));
    }

    [Fact]
    public void Errors_do_not_stop_at_the_first()
    {
        var compilation = Snippets.CompileBody("wieghts int8\nweights int9\nat blocks 28 {\n  weights int8\n}\nsc precision 16 {\n}\n");
        Assert.Equal(new[] { "QR0002", "QR0400", "QR0200", "QR0600" }, compilation.Diagnostics.Select(d => d.Id));
        Assert.Equal(new[] { 4, 5, 6, 9 }, compilation.Diagnostics.Select(d => d.Span.Line));
    }

    [Fact]
    public void Huge_selector_index_is_reported_as_too_large()
    {
        var compilation = Snippets.CompileBody("at blocks 99999999999999999999 {\n  weights int8\n}\n");
        var diagnostic = Assert.Single(compilation.Diagnostics);
        Assert.Equal("QR0006", diagnostic.Id);
        Assert.Equal((4, 11), (diagnostic.Span.Line, diagnostic.Span.Column));
    }

    [Fact]
    public void Sc_off_given_twice_is_a_duplicate_clause()
    {
        // Found by the mutation corpus: this used to throw from the binder.
        var diagnostic = Assert.Single(Snippets.CompileBody("sc off off\n").Diagnostics);
        Assert.Equal(("QR0109", 4, 8), (diagnostic.Id, diagnostic.Span.Line, diagnostic.Span.Column));
    }

    [Fact]
    public void A_very_long_unknown_word_gets_no_suggestion()
    {
        var word = new string('w', 20_000);
        var diagnostic = Assert.Single(Snippets.CompileBody(word + " int8\n").Diagnostics);
        Assert.Equal(("QR0002", 4, 1), (diagnostic.Id, diagnostic.Span.Line, diagnostic.Span.Column));
        Assert.DoesNotContain("did you mean", diagnostic.Message, StringComparison.Ordinal);
    }

    /// <summary>QR0616 is about the bitstream kernels' error at short streams: 64 is long enough, and the enable kernel
    /// is never warned about, nor a pruning level 0.</summary>
    [Theory]
    [InlineData("sc precision 6 kernel xnor {\n  qk stream 64\n}\n")]
    [InlineData("sc precision 6 {\n  qk stream 32\n}\n")]
    [InlineData("sc kernel xnor {\n  qk stream 256\n  mp qk levels 256 64 0 fractions 0.5 0.25 0.25\n}\n")]
    public void Streams_of_at_least_64_or_the_enable_kernel_are_not_warned_about(string sc)
    {
        var compilation = Snippets.Compile(H + "activations int8 on all\n" + sc);
        Assert.DoesNotContain(compilation.Diagnostics, d => d.Id == "QR0616");
        Assert.NotNull(compilation.Plan);
    }

    /// <summary>The further examples docs/diagnostics.md gives for each ID.</summary>
    [Theory]
    [InlineData("QR0001", H + "weights int4 group 50%\n")]
    [InlineData("QR0001", H + "at blocks noisiest 5 {\n  weights int8\n}\n")]
    [InlineData("QR0001", "recipe T\nmodel dit-xl/2 {\nsampler ddpm steps 50\n")]
    [InlineData("QR0002", H + "sc precison 8 {\n}\n")]
    [InlineData("QR0002", H + "sc {\n  qk blokcs 0 stream 64\n}\n")]
    [InlineData("QR0007", H + "}\n")]
    [InlineData("QR0008", "recipe T \"fine\u2028} evil\"\nmodel dit-xl/2\nsampler ddpm steps 50\n")]
    [InlineData("QR0008", H + "weights int8 // note\u2029at blocks 0 {\n")]
    [InlineData("QR0008", "recipe T \"bell\u0007\"\nmodel dit-xl/2\nsampler ddpm steps 50\n")]
    [InlineData("QR0101", "recipe class\nmodel dit-xl/2\nsampler ddpm steps 50\n")]
    [InlineData("QR0105", "recipe T\nmodel custom { depth 4 hidden 128 heads 4 patch 2 latent 16 } image 256\nsampler ddpm steps 50\n")]
    [InlineData("QR0105", "recipe T\nmodel custom { depth 4 hidden 128 heads 4 patch 3 latent 16 }\nsampler ddpm steps 50\n")]
    [InlineData("QR0107", "recipe T\nmodel dit-xl/2\nsampler ddpm steps 50 eta 0.5\n")]
    [InlineData("QR0107", "recipe T\nmodel dit-xl/2\nsampler ddim steps 50 cfg 0.5\n")]
    [InlineData("QR0109", H + "weights int4 per-token group 64\n")]
    [InlineData("QR0109", H + "weights fp group 128\n")]
    [InlineData("QR0109", H + "sc off precision 8\n")]
    [InlineData("QR0109", H + "sc seed 3 {\n}\n")]
    [InlineData("QR0110", H + "qk stream 256\n")]
    [InlineData("QR0110", H + "sc {\n  weights int8\n}\n")]
    [InlineData("QR0206", H + "at blocks all except 0..27 {\n  weights int8\n}\n")]
    [InlineData("QR0210", H + "sc {\n  mp qk heads 0 levels 256 fractions 1\n}\n")]
    [InlineData("QR0211", H + "sc {\n  qkv groups all of 4 stream 256\n}\n")]
    [InlineData("QR0211", H + "sc {\n  qk groups all of 4 stream 256\n}\n")]
    [InlineData("QR0300", H + "weights int8 on mlp_fc1\n")]
    [InlineData("QR0303", H + Cal + "smooth smoothquant alpha 0.5 on embed\n")]
    [InlineData("QR0304", H + "weights int8 on attn, qkv\n")]
    [InlineData("QR0403", H + "weights int4 gptq\n")]
    [InlineData("QR0403", H + "smooth smoothquant alpha 0.5\n")]
    [InlineData("QR0404", H + "weights int8 static\n")]
    [InlineData("QR0404", H + "activations int8 per-channel\n")]
    [InlineData("QR0404", H + "activations int8 gptq\n")]
    [InlineData("QR0406", H + "weights int4 kmeans-c group 64\n")]
    [InlineData("QR0406", H + "weights int4 uaq per-tensor\n")]
    [InlineData("QR0501", H + Cal + "smooth ditas alpha search 0.8..0.2 by 0.1\n")]
    [InlineData("QR0503", H + Cal + "smooth ditas alpha 0.5 iterations 5\n")]
    [InlineData("QR0601", H + "activations int8 on all\nsc precision 9 {\n  qk stream 512\n}\nsc precision 8 {\n  qk heads 0 stream 256\n}\n")]
    [InlineData("QR0611", H + "weights int8\nactivations int8\nsc chunk 2000 {\n  qkv stream 256\n}\n")]
    [InlineData("QR0616", H + "activations int8 asymmetric on all\nsc kernel and {\n  qk stream 256\n  mp qk levels 256 32 0 fractions 0.5 0.25 0.25\n}\n")]
    public void Documented_example_reports_its_id(string id, string text)
    {
        var compilation = Snippets.Compile(text);
        Assert.True(compilation.Diagnostics.Any(d => d.Id == id), $"no {id}; got:\n{string.Join("\n", compilation.Diagnostics)}");
    }
}
