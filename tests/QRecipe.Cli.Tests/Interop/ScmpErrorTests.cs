using System.IO;

namespace QRecipe.Cli.Tests.Interop;

/// <summary>Maps scmp accepts but mis-runs, and plans the map cannot hold, are refused with the entry that is wrong;
/// nothing is written.</summary>
public sealed class ScmpErrorTests
{
    private static string Map(string block0) =>
        "{\"total_blocks\": 28, \"blocks\": [" + block0 + "]}";

    [Theory]
    [InlineData("{\"mlp_fc3\": {\"enabled\": true}}", "unknown operator 'mlp_fc3' in $.blocks[0] (did you mean 'mlp_fc1'?)")]
    [InlineData("{\"qk\": {\"enabled\": true, \"stoc_lenn\": 64}}", "unknown field 'stoc_lenn' on $.blocks[0].qk (did you mean 'stoc_len'?)")]
    [InlineData("{\"qk\": {\"enabled\": true, \"timewise\": 1.5}}", "blocks[0].qk.timewise is 1.5; it is a fraction of the sampling steps in [0, 1]")]
    [InlineData("{\"qk\": {\"enabled\": true, \"stoc_len\": 0, \"timewise\": 1}}", "blocks[0].qk.stoc_len is 0; it must be in 1..32768")]
    [InlineData("{\"av\": {\"enabled\": true, \"timewise\": 1, \"group_stoc_lens\": [64, 32]}}", "blocks[0].av.group_stoc_lens has 2 entries but the model has 16 heads")]
    [InlineData("{\"input_proj\": {\"enabled\": true, \"timewise\": 1, \"group_stoc_lens\": [64, 32]}}", "does not split the 3456 output rows into equal groups of equal Q, K and V parts")]
    [InlineData("{\"qk\": {\"enabled\": true, \"stoc_len\": \"64\"}}", "$.blocks[0].qk.stoc_len must be a whole number, got \"64\"")]
    public void Bad_map_entry_is_named_and_nothing_is_written(string block0, string message)
    {
        using var folder = new TempFolder();
        var output = folder.File("out.qrecipe");
        var (code, _, error) = CliRunner.Run("import", "scmp-json", folder.File("map.json", Map(block0)), "--out", output);
        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void More_blocks_than_total_blocks_is_an_error_not_an_index_error()
    {
        using var folder = new TempFolder();
        var json = folder.File("map.json", "{\"total_blocks\": 1, \"blocks\": [{}, {}]}");
        var (code, _, error) = CliRunner.Run("import", "scmp-json", json);
        Assert.Equal(1, code);
        Assert.Contains("$.blocks has 2 entries but total_blocks is 1", error);
    }

    [Fact]
    public void Map_for_another_depth_names_both_depths()
    {
        using var folder = new TempFolder();
        var json = folder.File("map.json", "{\"total_blocks\": 12, \"blocks\": []}");
        var (code, _, error) = CliRunner.Run("import", "scmp-json", json);
        Assert.Equal(1, code);
        Assert.Contains("total_blocks is 12 but dit-xl/2 image 256 has 28 blocks", error);
    }

    [Fact]
    public void Enabled_entry_that_never_runs_is_reported_and_left_out()
    {
        using var folder = new TempFolder();
        // timewise omitted: scmp's dataclass default 0.0 selects no step although the map-level default says 1.0.
        var json = folder.File("map.json", "{\"total_blocks\": 28, \"default_timewise\": 1.0, \"blocks\": [{\"qk\": {\"enabled\": true, \"stoc_len\": 64}, \"av\": {\"enabled\": true, \"timewise\": 1}}]}");
        var (code, output, error) = CliRunner.Run("import", "scmp-json", json);
        Assert.Equal(0, code);
        Assert.Contains("blocks[0].qk is enabled but timewise 0 selects none of 50 steps", error);
        Assert.DoesNotContain("qk", output.Split("sc precision")[1]);
        Assert.Contains("av blocks 0 stream 256", output);
    }

    [Theory]
    [InlineData("sc_everywhere_mp.qrecipe", "SC on 'adaln' (block 1, step 0) has no SCPrecisionMap entry")]
    [InlineData("sc_attention_only.qrecipe", "block 0, qk (scmp 'qk') changes its stream at step 40 (stream 256 before, stream 128 from there)")]
    public void Plan_the_map_cannot_hold_is_refused(string recipe, string message)
    {
        using var folder = new TempFolder();
        var output = folder.File("map.json");
        var (code, _, error) = CliRunner.Run("export", "--format", "scmp-json", Path.Combine(CliRunner.RecipesFolder, recipe), "--out", output);
        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Settings_scmp_has_one_value_for_are_reported_as_flags_or_warnings()
    {
        var (code, output, error) = CliRunner.Run("export", "--format", "scmp-json", Path.Combine(CliRunner.RecipesFolder, "dit_w4a8_sc.qrecipe"));
        Assert.Equal(0, code);
        Assert.StartsWith("{", output);
        Assert.Contains("scmp flags: --sc_prec 8 --sc_fixed_level_prec --sc_enable", error);
        // mp is on qk and av only, but scmp's --mp applies to the whole run.
        Assert.Contains("warning: mixed precision differs between SC cells", error);
    }

    [Fact]
    public void Models_lists_every_catalogue_entry_with_its_shapes()
    {
        var (code, output, _) = CliRunner.Run("models");
        Assert.Equal(0, code);
        Assert.Matches(@"dit-xl/2\s+256\s+28\s+1152\s+16\s+72\s+2\s+256", output);
        Assert.Matches(@"dit-s/8\s+512\s+12\s+384\s+6\s+64\s+8\s+64", output);
        Assert.Equal(24, System.Text.RegularExpressions.Regex.Matches(output, @"^dit-", System.Text.RegularExpressions.RegexOptions.Multiline).Count);
        // The bundled Fashion-MNIST DiT: 28 x 28 pixels, patch 4 -> 49 tokens, depth 6, hidden 128, 4 heads of 32.
        Assert.Matches(@"fmnist-dit/4\s+28\s+6\s+128\s+4\s+32\s+4\s+49\s", output);
    }
}
