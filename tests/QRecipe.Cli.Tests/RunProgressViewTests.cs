using System.IO;
using QRecipe.Cli.Run;
using QRecipe.Runtime.Execution;

namespace QRecipe.Cli.Tests;

/// <summary>Plain (non-terminal) progress: a phase is shown when it starts, where inside a long unit the work is, and a
/// stop request is acknowledged at once with what the run finishes first.</summary>
public sealed class RunProgressViewTests
{
    [Fact]
    public void A_stop_request_is_acknowledged_with_the_current_unit()
    {
        var output = new StringWriter();
        var log = new StringWriter();
        var view = new RunProgressView(output, log);

        view.Report(new RunProgress("quantize", 0, 10));
        view.Report(new RunProgress("quantize", 0, 10, "blocks.0.attn.qkv (gptq): columns 128/256"));
        view.Report(RunProgress.StopRequested);

        var lines = output.ToString().Split('\n', System.StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("quantizing weights 0/10", lines[0]);
        Assert.Equal("stopping after the current GPTQ column block (Ctrl-C received)", lines[^1]);
        Assert.Contains("stopping after the current GPTQ column block", log.ToString());
    }

    [Fact]
    public void A_stop_during_the_Hessian_factorisation_names_its_chunk()
    {
        var output = new StringWriter();
        var view = new RunProgressView(output, new StringWriter());

        view.Report(new RunProgress("quantize", 3, 10, "blocks.0.mlp.fc2 (gptq): Hessian inverse 64/4608"));
        view.Report(RunProgress.StopRequested);

        Assert.EndsWith("stopping after the current block of columns of the Hessian factorisation or inverse (Ctrl-C received)\n", output.ToString().Replace("\r\n", "\n"));
    }

    [Theory]
    [InlineData("calibrate", "calibrating 0/4", "product of the forward pass")]
    [InlineData("smooth", "smoothing factors 0/4", "layer")]
    [InlineData("sample", "sampling 0/4", "product of the forward pass")]
    [InlineData("decode", "VAE decoding 0/4", "image")]
    public void Every_phase_shows_its_start_and_its_stop_unit(string phase, string first, string unit)
    {
        var output = new StringWriter();
        var view = new RunProgressView(output, new StringWriter());

        view.Report(new RunProgress(phase, 0, 4));
        view.Report(RunProgress.StopRequested);

        Assert.Equal(new[] { first, $"stopping after the current {unit} (Ctrl-C received)" }, output.ToString().Split('\n', System.StringSplitOptions.RemoveEmptyEntries));
    }
}
