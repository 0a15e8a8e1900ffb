using System;
using System.Threading;
using QRecipe.Evaluation.Quality;

namespace QRecipe.Evaluation.Tests;

/// <summary>Ctrl-C during feature extraction: the token is checked before every batch, so a token cancelled after the
/// first batch stops the extraction there, and no features come back.</summary>
public sealed class FeatureCancellationTests
{
    [Fact]
    public void Cancelling_after_the_first_batch_stops_before_the_second()
    {
        using var classifier = BundledClassifier.Open();
        var images = new byte[12 * 28 * 28];
        using var cancellation = new CancellationTokenSource();
        var reported = new System.Collections.Generic.List<int>();
        void Progress(int done)
        {
            reported.Add(done);
            cancellation.Cancel();
        }

        Assert.Throws<OperationCanceledException>(() => classifier.Network.Run(images, 12, 28, 28, 1, batchSize: 4, Progress, cancellation.Token));
        Assert.Equal(new[] { 4 }, reported);
    }

    [Fact]
    public void The_classifier_quality_of_a_run_stops_on_a_cancelled_token()
    {
        using var classifier = BundledClassifier.Open();
        var labels = new int[3];
        Assert.Throws<OperationCanceledException>(() => classifier.Measure(new byte[3 * 28 * 28], 28, 28, 1, labels, new CancellationToken(canceled: true)));
    }
}
