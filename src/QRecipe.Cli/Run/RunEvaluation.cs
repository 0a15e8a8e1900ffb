using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using QRecipe.Cli.Eval;
using QRecipe.Evaluation.Quality;
using QRecipe.Evaluation.Statistics;
using QRecipe.Plan;
using QRecipe.Plan.Models;
using QRecipe.Runtime.Bundled;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Cli.Run;

/// <summary><c>qrecipe run … --eval N</c>: the run's N samples evaluated as <c>qrecipe eval</c> evaluates a sample file,
/// against the bundled Fashion-MNIST reference (the classifier's statistics of the 10,000 test images), with eval.json
/// among the result files (docs/evaluation.md).</summary>
internal sealed class RunEvaluation(ReferenceBatch reference, string referencePath)
{
    /// <summary>Loads the bundled reference before sampling, so a missing file costs no sampling time; null after
    /// one line on <paramref name="error"/> when the model has no bundled reference or the file is unusable.</summary>
    public static RunEvaluation? Open(ModelSpec model, int samples, TextWriter error)
    {
        if (!model.Equals(ModelCatalog.FashionMnist))
        {
            error.WriteLine($"qrecipe: --eval compares with the bundled Fashion-MNIST reference, so it needs model {ModelCatalog.FashionMnist.Name}; for {model.Name}, run and then 'qrecipe eval samples.npz --reference REF.npz --features MODEL.onnx'");
            return null;
        }
        if (samples < 2)
        {
            error.WriteLine($"qrecipe: --eval {samples}: FID needs at least 2 samples");
            return null;
        }
        try
        {
            var path = BundledAssets.Locate(BundledClassifier.StatisticsFile);
            return new RunEvaluation(ReferenceBatch.Load(path), path);
        }
        catch (Exception e) when (e is CheckpointException or InvalidDataException)
        {
            error.WriteLine("qrecipe: " + e.Message);
            return null;
        }
    }

    /// <summary>Evaluates the run's images with the judge's network, writes eval.json and prints the table; Ctrl-C
    /// (<paramref name="cancellation"/>) stops it between batches and metric stages, before eval.json is written.</summary>
    public void Write(ResultFiles files, BundledClassifier judge, RunImages images, int[] labels, string folder, TextWriter output, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var set = judge.Network.Run(images.Pixels, images.Count, images.Height, images.Width, images.Channels, cancellation: cancellation);
        var featureTime = clock.Elapsed;
        clock.Restart();
        var metrics = SampleEvaluation.Compute(set, labels, reference, cancellation: cancellation);
        var report = new EvalReport(metrics, Path.Combine(folder, "samples.npz"), referencePath, "statistics", reference.FeatureCount, null,
            judge.Network, BundledNetwork: true, featureTime, clock.Elapsed);
        files.Write("eval.json", report.Json());
        output.WriteLine($"  evaluation of {images.Count} samples against the bundled Fashion-MNIST test statistics:");
        foreach (var line in report.Table())
            output.WriteLine(line);
    }
}
