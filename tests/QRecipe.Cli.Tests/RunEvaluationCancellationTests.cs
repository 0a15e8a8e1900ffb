using System;
using System.IO;
using System.Threading;
using QRecipe.Cli.Run;
using QRecipe.Evaluation.Quality;
using QRecipe.Plan.Models;

namespace QRecipe.Cli.Tests;

/// <summary><c>run --eval N</c> with Ctrl-C received when the evaluation's feature extraction starts: it ends with
/// <see cref="OperationCanceledException"/> before its first batch (the run turns that into exit 130), and neither
/// eval.json nor the result files written before it are left in the run's folder. (That the token is checked between
/// batches is FeatureCancellationTests' subject.)</summary>
public sealed class RunEvaluationCancellationTests
{
    [Fact]
    public void Ctrl_c_during_feature_extraction_leaves_no_eval_json()
    {
        using var folder = new TempFolder();
        using var judge = BundledClassifier.Open();
        var evaluation = RunEvaluation.Open(ModelCatalog.FashionMnist, 600, TextWriter.Null);
        Assert.NotNull(evaluation);
        var images = new RunImages(new byte[600 * 28 * 28], null, 600, 28, 28, 1);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var written = 0;
        using (var files = new ResultFiles(folder.Path))
        {
            files.Write("report.json", "{}"u8.ToArray());
            Assert.Throws<OperationCanceledException>(() => evaluation.Write(files, judge, images, new int[600], folder.Path, TextWriter.Null, cancellation.Token));
            written = files.Written.Count;
        }
        Assert.Equal(1, written);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }
}
