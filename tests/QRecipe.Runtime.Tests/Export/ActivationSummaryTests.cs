using System;
using System.Linq;
using QRecipe.Runtime.Export;

namespace QRecipe.Runtime.Tests.Export;

public class ActivationSummaryTests
{
    [Fact]
    public void Each_operator_gets_one_line_per_run_of_steps_with_the_same_activation_and_sc_setting()
    {
        var plan = ExportTestFiles.Compile("recipe A\nmodel custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }\nsampler ddim steps 4 cfg 1\n"
            + "activations int8 on all\nat steps 2..3 {\n  activations int4 per-tensor asymmetric on qk\n}\n"
            + "sc precision 8 kernel enable scramble bitrev {\n  av blocks 1 stream 64\n}\n");
        var lines = ActivationSummary.Of(plan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // 2 blocks × 7 operators, qk of each split in two runs of steps, and the two global operators.
        Assert.Equal(2 * 7 + 2 + 2, lines.Length);
        Assert.Contains("blocks.0 qk steps 0-1: int8 per-token symmetric dynamic", lines);
        Assert.Contains("blocks.0 qk steps 2-3: int4 per-tensor asymmetric dynamic", lines);
        Assert.Contains("blocks.1 av steps 0-3: int8 per-token symmetric dynamic; sc precision 8 stream 64 kernel enable scramble bitrev", lines);
        Assert.Contains("blocks.0 av steps 0-3: int8 per-token symmetric dynamic", lines);
        Assert.Contains("embed steps 0-3: fp", lines);
        Assert.Equal("final steps 0-3: fp", lines.Last());
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 0, 1, 7, 9, 10 }, "0-1_7_9-10")]
    [InlineData(new[] { 5 }, "5")]
    public void Steps_are_written_as_runs(int[] steps, string text)
    {
        Assert.Equal(text, ExportNames.StepRanges(steps));
    }
}
