using System.IO;

namespace QRecipe.Cli.Tests;

public sealed class ExplainCommandTests
{
    private static string Default => Path.Combine(CliRunner.RecipesFolder, "dit_w4a8_sc.qrecipe");

    [Fact]
    public void Explains_per_head_streams_of_av_in_an_early_block()
    {
        var (code, output, _) = CliRunner.Run("explain", Default, "--block", "5", "--step", "0");
        Assert.Equal(0, code);
        Assert.Contains("per head 128 128 128 128 128 128 128 128 64 64 64 64 64 64 64 64", output);
    }

    [Fact]
    public void Sc_is_off_in_the_excepted_block()
    {
        var (code, output, _) = CliRunner.Run("explain", Default, "--block", "0", "--step", "0");
        Assert.Equal(0, code);
        Assert.Matches(@"qk +weights .*; sc off", output);
        Assert.Contains("weights int8 per-channel symmetric rtn", output);
    }

    [Fact]
    public void Out_of_range_block_is_a_usage_error()
    {
        var (code, _, error) = CliRunner.Run("explain", Default, "--block", "28");
        Assert.Equal(2, code);
        Assert.Contains("block must be in 0..27", error);
    }
}
