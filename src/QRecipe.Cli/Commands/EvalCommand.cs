using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Cli.Eval;
using QRecipe.Cli.Run;
using QRecipe.Evaluation.Quality;
using QRecipe.Evaluation.Samples;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe eval SAMPLES.npz --reference REF.npz</c>: FID, sFID, the Inception-style score, precision and
/// recall and class accuracy of a sample file (docs/evaluation.md), printed as a table and written to eval.json.
/// Exit codes: 0 done, 1 bad input (files, shapes, types, sizes, too few samples, non-finite values), 2 usage, 130
/// Ctrl-C.</summary>
internal static class EvalCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var samples = new Argument<string>("samples") { Description = "Samples in ADM's .npz layout: arr_0 uint8 N x H x W x C, optional arr_1 labels" };
        var reference = new Option<string>("--reference") { Description = "Reference images (ADM .npz with arr_0) or reference statistics (.npz with mu, sigma, ...)", Required = true };
        var outPath = new Option<string?>("--out") { Description = "Where eval.json goes (default: eval.json beside the samples)" };
        var batch = new Option<int>("--batch-size") { Description = "Images per feature-network batch", DefaultValueFactory = _ => 256 };
        var network = new FeatureNetworkOptions();
        var command = new Command("eval", "Evaluate samples: FID, sFID, Inception-style score, precision/recall, class accuracy");
        command.Arguments.Add(samples);
        command.Options.Add(reference);
        foreach (var option in network.All)
            command.Options.Add(option);
        command.Options.Add(batch);
        command.Options.Add(outPath);
        command.SetAction((result, token) =>
        {
            var samplesPath = result.GetRequiredValue(samples);
            var target = result.GetValue(outPath) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(samplesPath)) ?? ".", "eval.json");
            return Task.FromResult(Run(result, network, samplesPath, result.GetRequiredValue(reference), target, result.GetValue(batch), output, error, token));
        });
        return command;
    }

    private static int Run(ParseResult result, FeatureNetworkOptions networkOptions, string samplesPath, string referencePath, string target, int batchSize,
        TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        if (batchSize is < 1 or > 65536)
        {
            error.WriteLine($"qrecipe: --batch-size {batchSize}: 1 to 65536");
            return CliApp.UsageError;
        }
        if (!InputFile.Exists("samples", samplesPath, error) || !InputFile.Exists("--reference", referencePath, error))
            return CliApp.RecipeErrors;
        try
        {
            using var network = networkOptions.Open(result, error);
            if (network is null)
                return CliApp.UsageError;
            bool bundled = result.GetValue(networkOptions.Model) is null;
            output.WriteLine($"qrecipe eval {samplesPath} against {referencePath}, features by {network.Path}");
            var clock = Stopwatch.StartNew();
            var evalReference = EvalReference.Load(referencePath, network, batchSize, output, cancellation);
            cancellation.ThrowIfCancellationRequested();
            using var file = AdmSampleFile.Open(samplesPath);
            var progress = new FeatureProgress(output, "sample features", file.Count);
            var set = network.Run(file.Read, file.Count, file.Height, file.Width, file.Channels, batchSize, progress.Report, cancellation);
            var featureTime = clock.Elapsed;
            clock.Restart();
            var metrics = SampleEvaluation.Compute(set, file.Labels, evalReference.Batch, stage => output.WriteLine($"  computing {stage}"), cancellation);
            var report = new EvalReport(metrics, samplesPath, referencePath, evalReference.Kind,
                evalReference.Batch.Features is null ? null : evalReference.Batch.FeatureCount, evalReference.CachePath, network, bundled, featureTime, clock.Elapsed);
            output.WriteLine($"{file.Count} samples of {file.Height}x{file.Width}x{file.Channels}{(file.Labels is null ? "" : " with labels")}:");
            foreach (var line in report.Table())
                output.WriteLine(line);
            AtomicFile.Write(target, report.Json());
            output.WriteLine(FormattableString.Invariant($"  features {featureTime.TotalSeconds:0.0} s, metrics {report.MetricTime.TotalSeconds:0.0} s; wrote {target}"));
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or CheckpointException or ArithmeticException)
        {
            error.WriteLine("qrecipe: " + e.Message);
            return CliApp.RecipeErrors;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("qrecipe: cancelled; nothing written");
            return RunCommand.Cancelled;
        }
        catch (IOException e)
        {
            error.WriteLine("qrecipe: " + e.Message);
            return CliApp.RuntimeFailure;
        }
    }
}
