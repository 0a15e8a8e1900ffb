using System.IO;

namespace QRecipe.Cli.Tests.Interop;

/// <summary>A value of the wrong JSON type is an error naming the file, the JSON path and the type it must have (exit
/// 1), never a default: scmp's Python reads "true", 1 or null as truth values, so guessing would change the map's
/// meaning. Block 3 is used so the path shows the index.</summary>
public sealed class ScmpTypeErrorTests
{
    private static string Map(string operators) =>
        "{\"total_blocks\": 28, \"blocks\": [{}, {}, {}, " + operators + "]}";

    [Theory]
    [InlineData("{\"qk\": {\"enabled\": \"true\", \"timewise\": 1}}", "$.blocks[3].qk.enabled must be true or false, got \"true\" (a string)")]
    [InlineData("{\"qk\": {\"enabled\": 1, \"timewise\": 1}}", "$.blocks[3].qk.enabled must be true or false, got 1")]
    [InlineData("{\"qk\": {\"enabled\": null, \"timewise\": 1}}", "$.blocks[3].qk.enabled must be true or false, got null")]
    [InlineData("{\"qk\": {\"enabled\": true, \"timewise\": \"0.5\"}}", "$.blocks[3].qk.timewise must be a finite number, got \"0.5\" (a string)")]
    [InlineData("{\"qk\": {\"enabled\": true, \"timewise\": null}}", "$.blocks[3].qk.timewise must be a finite number, got null")]
    [InlineData("{\"qk\": {\"enabled\": true, \"stoc_len\": 64.5}}", "$.blocks[3].qk.stoc_len must be a whole number, got 64.5")]
    [InlineData("{\"qk\": {\"enabled\": true, \"stoc_len\": 1e10}}", "$.blocks[3].qk.stoc_len must be a whole number, got 1e10")]
    [InlineData("{\"av\": {\"enabled\": true, \"group_stoc_lens\": 64}}", "$.blocks[3].av.group_stoc_lens must be an array of whole numbers or null, got 64")]
    [InlineData("{\"av\": {\"enabled\": true, \"group_stoc_lens\": {\"0\": 64}}}", "$.blocks[3].av.group_stoc_lens must be an array of whole numbers or null, got {\"0\": 64} (an object)")]
    [InlineData("{\"av\": {\"enabled\": true, \"group_stoc_lens\": [64, \"32\"]}}", "$.blocks[3].av.group_stoc_lens[1] must be a whole number, got \"32\" (a string)")]
    [InlineData("{\"qk\": 5}", "$.blocks[3].qk must be an object with enabled, stoc_len, timewise and group_stoc_lens, got 5")]
    [InlineData("{\"qk\": null}", "$.blocks[3].qk must be an object with enabled, stoc_len, timewise and group_stoc_lens, got null")]
    [InlineData("{\"qk\": [true, 64]}", "$.blocks[3].qk must be an object with enabled, stoc_len, timewise and group_stoc_lens, got [true, 64] (an array)")]
    [InlineData("7", "$.blocks[3] must be an object of operator entries, got 7")]
    [InlineData("{\"qk\": {\"enabled\": true, \"enabled\": false}}", "$.blocks[3].qk has the field 'enabled' twice")]
    public void A_wrongly_typed_value_is_named_by_its_JSON_path(string block3, string message)
    {
        using var folder = new TempFolder();
        var output = folder.File("out.qrecipe");
        var map = folder.File("map.json", Map(block3));

        var (code, _, error) = CliRunner.Run("import", "scmp-json", map, "--out", output);

        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: {map}: {message}", error.TrimEnd());
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("{\"total_blocks\": \"28\", \"blocks\": []}", "$.total_blocks must be a whole number, got \"28\" (a string)")]
    [InlineData("{\"total_blocks\": 28, \"blocks\": {}}", "$.blocks must be an array of block objects, got {} (an object)")]
    [InlineData("{\"total_blocks\": 28, \"default_timewise\": true, \"blocks\": []}", "$.default_timewise must be a finite number, got true")]
    [InlineData("[28]", "$ must be an object (an SCPrecisionMap), got [28] (an array)")]
    public void Map_level_fields_are_checked_the_same_way(string json, string message)
    {
        using var folder = new TempFolder();
        var map = folder.File("map.json", json);

        var (code, _, error) = CliRunner.Run("import", "scmp-json", map);

        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: {map}: {message}", error.TrimEnd());
    }

    [Fact]
    public void A_map_over_the_size_limit_is_refused_before_it_is_read()
    {
        using var folder = new TempFolder();
        var map = folder.File("huge.json");
        // 520 MB of zero bytes (sparse, so the test writes nothing): read whole, it would be invalid JSON instead.
        using (var stream = File.Create(map))
            stream.SetLength(520_000_000);

        var (code, output, error) = CliRunner.Run("import", "scmp-json", map);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal($"qrecipe: {map}: the map is 520000000 bytes; import reads maps of at most 16777216 bytes (16 MiB)", error.TrimEnd());
    }

    [Fact]
    public void Control_characters_in_an_operator_name_are_escaped()
    {
        using var folder = new TempFolder();
        var map = folder.File("map.json", Map("{\"\\u001b[2Jqk\": {}}"));

        var (code, _, error) = CliRunner.Run("import", "scmp-json", map);

        Assert.Equal(1, code);
        Assert.Contains("unknown operator '\\x1B[2Jqk' in $.blocks[3]", error);
        Assert.DoesNotContain('\u001b', error);
    }
}
