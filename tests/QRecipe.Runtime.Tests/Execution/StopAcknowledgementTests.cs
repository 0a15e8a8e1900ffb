using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Runtime.Execution;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>A stop is acknowledged exactly once, whether the cancelling thread gets to the callback first or the run
/// sees the cancellation and leaves first (a token's flag is set before its callbacks run).</summary>
public sealed class StopAcknowledgementTests
{
    private sealed class Recorder : System.IProgress<RunProgress>
    {
        public List<RunProgress> Reports { get; } = [];

        public void Report(RunProgress value)
        {
            lock (Reports)
                Reports.Add(value);
        }
    }

    [Fact]
    public void The_cancelling_thread_acknowledges_at_once_and_leaving_adds_nothing()
    {
        var recorder = new Recorder();
        using var source = new CancellationTokenSource();
        var acknowledgement = new StopAcknowledgement(recorder, source.Token);
        source.Cancel();
        Assert.Equal([RunProgress.StopRequested], recorder.Reports);
        acknowledgement.Dispose();
        Assert.Single(recorder.Reports);
    }

    [Fact]
    public async Task A_run_that_leaves_before_the_callback_runs_still_acknowledges_once()
    {
        var recorder = new Recorder();
        using var source = new CancellationTokenSource();
        var acknowledgement = new StopAcknowledgement(recorder, source.Token);
        using var gate = new ManualResetEventSlim();
        // Callbacks run newest first: this one holds the cancelling thread before it reaches the acknowledgement.
        using var holder = source.Token.Register(() => gate.Wait());
        var cancelling = Task.Run(source.Cancel);
        SpinWait.SpinUntil(() => source.IsCancellationRequested);

        try
        {
            acknowledgement.Dispose(); // the run saw the flag and leaves
            Assert.Equal([RunProgress.StopRequested], recorder.Reports);
        }
        finally
        {
            gate.Set();
            await cancelling;
        }
        Assert.Single(recorder.Reports);
    }

    [Fact]
    public void A_run_that_ends_without_a_stop_reports_nothing()
    {
        var recorder = new Recorder();
        using var source = new CancellationTokenSource();
        new StopAcknowledgement(recorder, source.Token).Dispose();
        source.Cancel();
        Assert.Empty(recorder.Reports);
    }
}
