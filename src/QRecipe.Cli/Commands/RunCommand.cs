using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Cli.Output;
using QRecipe.Cli.Run;
using QRecipe.Cli.Run.Shards;
using QRecipe.Evaluation.Quality;
using QRecipe.Plan;
using QRecipe.Plan.Models;
using QRecipe.Plan.Text;
using QRecipe.Recipes;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Export;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Vae;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe run RECIPE</c>: executes a recipe on a DiT and writes <c>results/NNN-recipe/</c> with the
/// latents, a picture of them (the decoded images with <c>--vae</c>), report.json, report.md and log.txt.</summary>
internal static class RunCommand
{
    /// <summary>Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    private const int DefaultSamples = 4;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var recipe = new Argument<string>("recipe") { Description = "A .qrecipe file, or the name of a recipe built into qrecipe (e.g. SmallCustomW4A8)" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "DiT weights: PyTorch .pt or .safetensors, original or diffusers layout" };
        var synthetic = new Option<bool>("--synthetic") { Description = "Run on seeded synthetic weights of the recipe's architecture (no checkpoint needed)" };
        var weightSeed = new Option<ulong>("--weight-seed") { Description = "Seed of the synthetic weights (default 0)" };
        var samples = new Option<int?>("--samples") { Description = $"Number of samples (default {DefaultSamples}, or the --noise file's N)" };
        var classes = new Option<int[]>("--class") { Description = "Class label of each sample (default: drawn from the seed)", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the initial and per-step noise (default: the recipe's sampler seed)" };
        var device = new Option<string>("--device")
        {
            Description = "cpu, or cuda: the DiT, activation quantizers, SC products and the VAE on the GPU (docs/cuda.md)",
            DefaultValueFactory = _ => "cpu",
        };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var gpu = CudaOptions.Gpu();
        var outDir = new Option<string>("--out") { Description = "Folder the numbered result folders go in", DefaultValueFactory = _ => "results" };
        var compare = new Option<bool>("--compare-fp") { Description = "Also run every operator and the whole sampling in floating point and report the errors" };
        var noise = new Option<string?>("--noise") { Description = "Initial latents N x 4 x H x W (.npy) instead of the seeded generator" };
        var vae = new Option<string?>("--vae") { Description = "Decode the final latents into samples.png with this VAE: a diffusers AutoencoderKL .safetensors (sd-vae-ft-ema/-mse)" };
        var eval = new Option<int?>("--eval") { Description = "Make N samples and evaluate them as 'qrecipe eval' does (FID, sFID, IS, precision/recall) against the bundled reference; writes eval.json" };
        var chunk = new Option<int>("--chunk") { Description = "Samples denoised together; a sample's result depends on it, so shards and their reference run use the same", DefaultValueFactory = _ => RunSettings.DefaultChunkSize };
        var shard = new Option<string?>("--shard") { Description = "I/N: make only shard I (from 0) of N of the --samples into --out DIR as resumable chunks; auto: from Slurm or Kubernetes (docs/cluster.md)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the estimate of each phase (time at this machine's measured GEMM rate, memory) and exit without running or writing anything" };
        var modelFile = new Option<string?>("--model-file") { Description = "Run on a model written by 'qrecipe export-model' from this recipe instead of quantizing a checkpoint (docs/export-model.md)" };
        var shardCount = new Option<int?>("--shard-count") { Description = $"Number of shards for --shard auto in a Kubernetes Indexed Job (or set {ShardSpec.CountVariable})" };
        var command = new Command("run", "Run a recipe on a DiT: quantize, sample, report");
        command.Arguments.Add(recipe);
        foreach (var option in new Option[] { checkpoint, modelFile, synthetic, weightSeed, samples, classes, seed, device, gpu, outDir, compare, noise, vae, chunk, shard, shardCount, eval, dryRun })
            command.Options.Add(option);
        // The token is cancelled by Ctrl-C (SIGINT); the run stops at the next step boundary.
        command.SetAction((result, token) => Task.FromResult(result.GetValue(eval) is { } n && result.GetValue(samples) is { } asked && asked != n
            ? EvalConflict(error, n, asked)
            : new Invocation(output, error, result.GetValue(eval), result.GetValue(dryRun), result.GetValue(modelFile)).Run(
            result.GetRequiredValue(recipe), result.GetValue(checkpoint), result.GetValue(synthetic), result.GetValue(weightSeed),
            result.GetValue(eval) ?? result.GetValue(samples), result.GetValue(classes), result.GetValue(seed), result.GetRequiredValue(device), result.GetValue(gpu),
            result.GetRequiredValue(outDir), result.GetValue(compare), result.GetValue(noise), result.GetValue(vae), result.GetValue(chunk), result.GetValue(shard),
            result.GetValue(shardCount), token)));
        return command;
    }

    private static int EvalConflict(TextWriter error, int eval, int samples)
    {
        error.WriteLine($"qrecipe: --eval {eval} makes {eval} samples; --samples {samples} asks for another count");
        return CliApp.UsageError;
    }

    private sealed class Invocation(TextWriter output, TextWriter error, int? evaluate, bool dryRun, string? modelFile)
    {
        /// <summary>What the time estimate's GEMM probe copied, so the device traffic of the run itself can be told apart.</summary>
        private DeviceTraffic _probeTraffic;

        public int Run(string recipe, string? checkpoint, bool synthetic, ulong weightSeed, int? requestedSamples, int[]? classes, ulong? seed,
            string device, int gpu, string outRoot, bool compare, string? noisePath, string? vaePath, int chunk, string? shardText, int? shardCount,
            CancellationToken cancellation)
        {
            var (status, plan, source, recipeText) = LoadPlan(recipe);
            if (plan is null)
                return status;
            if (modelFile is not null && (checkpoint is not null || synthetic || compare || shardText is not null || shardCount is not null))
            {
                error.WriteLine("qrecipe: --model-file runs the exported weights; it excludes --checkpoint, --synthetic, --compare-fp and --shard");
                return CliApp.UsageError;
            }
            if (modelFile is not null && recipeText is null)
            {
                error.WriteLine($"qrecipe: --model-file needs the .qrecipe file the model was exported from (its SHA-256 is checked), not the built-in name {SafeText.Escape(recipe)}");
                return CliApp.UsageError;
            }
            if (modelFile is null && checkpoint is null && !synthetic && !ModelWeights.TryBundled(plan.Model, error, out checkpoint))
                return CliApp.RecipeErrors;
            if (modelFile is null && checkpoint is null && !synthetic)
            {
                error.WriteLine($"qrecipe: {plan.Name} runs {plan.Model.Name} at {plan.Model.ImageSize}x{plan.Model.ImageSize} and needs its weights: pass --checkpoint PATH "
                    + $"(a .pt or .safetensors DiT checkpoint{(plan.Model.Name.StartsWith("dit-", StringComparison.Ordinal) ? $", e.g. {CheckpointName(plan.Model)}" : string.Empty)}), or --synthetic to run on seeded synthetic weights");
                return CliApp.UsageError;
            }
            if (checkpoint is not null && synthetic)
            {
                error.WriteLine("qrecipe: --checkpoint and --synthetic exclude each other");
                return CliApp.UsageError;
            }
            if (requestedSamples is < 1)
            {
                error.WriteLine($"qrecipe: --samples {requestedSamples}: at least 1 sample");
                return CliApp.UsageError;
            }
            if (chunk < 1)
            {
                error.WriteLine($"qrecipe: --chunk {chunk}: at least 1 sample per chunk");
                return CliApp.UsageError;
            }
            var shard = ShardOptions.Check(shardText, shardCount, noisePath, compare, error);
            if ((shardText ?? shardCount?.ToString(CultureInfo.InvariantCulture)) is not null && shard is null)
                return CliApp.UsageError;
            if (shard is not null && evaluate is not null)
            {
                error.WriteLine("qrecipe: --eval evaluates a whole run; with --shard, merge the shards and run 'qrecipe eval' on the merged samples.npz");
                return CliApp.UsageError;
            }
            // Every input file is checked before the results folder exists, so a bad one leaves nothing behind.
            if (!InputFile.Exists("--checkpoint", checkpoint, error) || !InputFile.Exists("--model-file", modelFile, error) || !InputFile.Exists("--noise", noisePath, error) || !InputFile.Exists("--vae", vaePath, error))
                return CliApp.UsageError;
            if (checkpoint is not null && !ModelWeights.Opens(checkpoint, plan.Model, error))
                return CliApp.RecipeErrors;
            // The noise file is read before the other settings are checked against its N, so a bad file is reported first.
            var noise = noisePath is null ? null : NoiseFile.Read(noisePath, plan.Model, requestedSamples, error);
            if (noisePath is not null && noise is null)
                return CliApp.RecipeErrors;
            var (initial, samples) = (noise?.Latents, noise?.Samples ?? requestedSamples ?? DefaultSamples);
            if (!FitsInMemory(plan.Model, shard is null ? samples : ShardChunks.Of(samples, chunk, shard).SampleCount, compare, chunk))
                return CliApp.RecipeErrors;
            if (classes is { Length: > 0 } && classes.Length != samples)
            {
                if (classes.Length == 1)
                    classes = Enumerable.Repeat(classes[0], samples).ToArray();
                else
                {
                    error.WriteLine($"qrecipe: {classes.Length} --class values for {samples} samples; give one, or one per sample");
                    return CliApp.UsageError;
                }
            }
            if (classes?.Where(c => c < 0 || c >= plan.Model.NumClasses).Select(c => (int?)c).FirstOrDefault() is { } bad)
            {
                error.WriteLine($"qrecipe: --class {bad} is outside 0..{plan.Model.NumClasses - 1} of {plan.Model.Name}");
                return CliApp.UsageError;
            }
            // Opened before the results folder, so a missing driver, library or GPU leaves nothing behind.
            using var computeDevice = CudaOptions.OpenCompute(device, gpu, error);
            if (computeDevice is null)
                return CliApp.RuntimeFailure;
            // The exported model is read and checked against the recipe before the results folder exists.
            using var exported = modelFile is null ? null : LoadExported(modelFile, plan, recipeText!, computeDevice);
            if (modelFile is not null && exported is null)
                return CliApp.RecipeErrors;
            // The VAE is checked before sampling, so a wrong file costs no sampling time; it decodes on the run's device.
            using var vae = vaePath is null ? null : LoadVae(vaePath, plan.Model, computeDevice.Tensors);
            if (vaePath is not null && vae is null)
                return CliApp.RecipeErrors;
            // The bundled model's samples are judged by the bundled classifier; opened now so a missing file costs no sampling.
            if (!TryOpenJudge(plan.Model, out var judge))
                return CliApp.RecipeErrors;
            using var judgeScope = judge;
            if (shard is not null)
            {
                if (dryRun)
                {
                    PrintEstimate(plan, ShardChunks.Of(samples, chunk, shard).SampleCount, compare, chunk, computeDevice);
                    return 0;
                }
                // A shard prints the estimate of the chunks it will make, after its own checks of the chunks present.
                return new ShardRun(output, error, (toMake, log) => PrintEstimate(plan, toMake, compare, chunk, computeDevice, log)).Run(new ShardJob(plan, recipe, source, checkpoint, weightSeed, samples, classes is { Length: > 0 } ? classes : null,
                    seed ?? (ulong)plan.Sampler.Seed, device, computeDevice, vae, vaePath, outRoot, chunk, shard), cancellation);
            }
            var evaluation = evaluate is { } count ? RunEvaluation.Open(plan.Model, count, error) : null;
            if (evaluate is not null && evaluation is null)
                return CliApp.RecipeErrors;
            if (dryRun)
            {
                PrintEstimate(plan, samples, compare, chunk, computeDevice);
                return 0;
            }

            var folder = ResultsFolder.Create(outRoot, plan.Name);
            var logPath = Path.Combine(folder, "log.txt");
            using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
            log.WriteLine($"qrecipe run {SafeText.Escape(source)}: {plan.Name}, {samples} samples, {(modelFile is not null ? $"exported model {SafeText.Escape(modelFile)}" : checkpoint is null ? $"synthetic weights seed {weightSeed}" : SafeText.Escape(checkpoint))}");
            try
            {
                var settings = new RunSettings(samples, classes is { Length: > 0 } ? classes : null, seed ?? (ulong)plan.Sampler.Seed, checkpoint, weightSeed, compare, initial,
                    ChunkSize: chunk);
                // The estimate comes once the results folder exists, so a refused run prints nothing but its error.
                PrintEstimate(plan, samples, compare, chunk, computeDevice, log);
                DeviceLines.Write(computeDevice.Describe(plan), output, log);
                var view = new RunProgressView(output, log);
                var (result, images) = view.Show(() =>
                {
                    var run = exported is null
                        ? RecipeRunner.Run(plan, settings, computeDevice, view, cancellation)
                        : RecipeRunner.Run(plan, settings, exported, $"exported model {modelFile}", computeDevice, view, cancellation);
                    return (run, vae is null ? null : DecodedImages.Decode(vae, vaePath!, run, view, cancellation));
                });
                var runImages = RunImages.Of(result, images);
                var quality = runImages is null ? null : RunQuality.Measure(judge, runImages, result.Labels, cancellation);
                // All result files or none: leaving this block before Keep removes those written so far.
                using var files = new ResultFiles(folder);
                WriteOutputs(files, result, source, images, runImages, quality);
                if (evaluation is not null && judge is not null && runImages is not null)
                    evaluation.Write(files, judge, runImages, result.Labels, folder, output, cancellation);
                files.Keep();
                Summary(result, folder, output, images, quality, files.Written);
                DeviceLines.Write(computeDevice.Report().Select(line => "  " + line), output);
                if (_probeTraffic != default)
                    output.WriteLine($"  of which the estimate's throughput probe: {_probeTraffic}; the run alone: {computeDevice.Traffic - _probeTraffic}");
                log.WriteLine("done");
                return 0;
            }
            catch (NonFiniteActivationException e)
            {
                // Result files are written only after sampling, so none exist yet; the log stays to say what happened.
                log.WriteLine("failed: " + e.Message);
                log.WriteLine("no result files were written");
                error.WriteLine($"qrecipe: {e.Message}; no result files were written, {SafeText.Escape(logPath)} has the log");
                return CliApp.NonFiniteActivation;
            }
            catch (OperationCanceledException)
            {
                log.WriteLine("cancelled by the user; no result files were written");
                error.WriteLine($"qrecipe: cancelled; {SafeText.Escape(logPath)} records how far the run got");
                return Cancelled;
            }
            catch (Exception e) when (e is NotSupportedException or CheckpointException or InvalidDataException)
            {
                log.WriteLine("failed: " + e.Message);
                error.WriteLine("qrecipe: " + e.Message);
                return CliApp.RecipeErrors;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Typically a full disk while the results were written; ResultFiles removed those written so far.
                log.WriteLine("failed: " + e.Message);
                log.WriteLine("no result files were kept");
                error.WriteLine($"qrecipe: {e.Message}; no result files were kept, {SafeText.Escape(logPath)} has the log");
                return CliApp.RuntimeFailure;
            }
            catch (Exception e)
            {
                // Anything else is a runtime failure: logged here, reported (exit 3) by CliApp.
                log.WriteLine("failed: " + e.Message);
                log.WriteLine("no result files were kept");
                throw;
            }
        }

        /// <summary>A recipe file, or a recipe compiled into qrecipe by the source generator.</summary>
        /// <summary>Text is null for a built-in recipe.</summary>
        private (int Status, RecipePlan? Plan, string Source, string? Text) LoadPlan(string recipe)
        {
            if (!File.Exists(recipe) && !Directory.Exists(recipe) && QRecipeRegistry.Find(recipe) is { } builtIn)
                return (0, builtIn.Plan, $"built-in {builtIn.Name} ({builtIn.SourcePath})", null);
            var status = RecipeFiles.TryCompileOne(recipe, output, error, out var plan, out _, out var text);
            if (status == CliApp.UsageError && !File.Exists(recipe))
                error.WriteLine($"qrecipe: built-in recipes are {string.Join(", ", QRecipeRegistry.All.Select(r => r.Name))}");
            return (status, plan, recipe, text);
        }

        /// <summary>The exported model checked against the recipe; null after one line when the file is unusable.</summary>
        private ExportedModel? LoadExported(string path, RecipePlan plan, string recipeText, IComputeDevice computeDevice)
        {
            try
            {
                return ExportedModel.Load(path, plan, recipeText, computeDevice.Tensors);
            }
            catch (Exception e) when (e is CheckpointException or QuantizationException)
            {
                error.WriteLine("qrecipe: " + e.Message);
                return null;
            }
        }

        /// <summary>One line per phase: its time at the GEMM rate measured now on the run's backend, and its memory.</summary>
        private void PrintEstimate(RecipePlan plan, int samples, bool compare, int chunk, IComputeDevice computeDevice, TextWriter? log = null)
        {
            var before = computeDevice.Traffic;
            var rate = ThroughputProbe.FlopsPerSecond(computeDevice.Tensors);
            _probeTraffic = computeDevice.Traffic - before;
            foreach (var line in RunCostEstimate.Lines(RunCostEstimate.For(plan, samples, compare, chunk, rate), rate))
            {
                output.WriteLine(line);
                log?.WriteLine(line);
            }
        }

        /// <summary>False after one line when the run's memory estimate exceeds what this machine has available.</summary>
        private bool FitsInMemory(ModelSpec model, int samples, bool compare, int chunk)
        {
            var need = RunMemoryEstimate.For(model, samples, compare, chunk);
            return MemoryCheck.Fits($"--samples {samples}{(compare ? " --compare-fp" : string.Empty)} on {model.Name}", need.TotalBytes,
                $"weights {RunMemoryEstimate.Format(need.WeightBytes)}, activations {RunMemoryEstimate.Format(need.ActivationBytes)}, latents {RunMemoryEstimate.Format(need.LatentBytes)}",
                error);
        }

        private VaeDecoder? LoadVae(string path, ModelSpec model, ITensorBackend backend)
        {
            VaeDecoder decoder;
            try
            {
                decoder = VaeDecoder.Load(path, backend);
            }
            catch (CheckpointException e)
            {
                error.WriteLine("qrecipe: VAE " + e.Message);
                return null;
            }
            var problem = decoder.Config.LatentChannels != model.InChannels
                ? $"decodes {decoder.Config.LatentChannels}-channel latents, but {model.Name} samples {model.InChannels} channels"
                : decoder.Config.OutChannels != 3 ? $"makes {decoder.Config.OutChannels}-channel images, not RGB" : null;
            if (problem is null)
                return decoder;
            error.WriteLine($"qrecipe: VAE {SafeText.Escape(path)} {problem}");
            decoder.Dispose();
            return null;
        }

        /// <summary>Writes every result file, in the order the summary lists them.</summary>
        private static void WriteOutputs(ResultFiles files, RunResult result, string source, DecodedImages? images, RunImages? runImages, RunQuality? quality)
        {
            var m = result.Plan.Model;
            var n = result.Labels.Length;
            var classNames = ModelCatalog.ClassNames(m.Name) ?? Array.Empty<string>();
            files.WriteNpy("latents.npy", result.Latents, n, m.InChannels, m.LatentSize, m.LatentSize);
            if (result.FloatLatents is { } reference)
                files.WriteNpy("latents_fp.npy", reference, n, m.InChannels, m.LatentSize, m.LatentSize);
            if (images is not null)
            {
                files.Write("samples.png", Grid(images.Rgb, images));
                if (images.FloatRgb is { } floatImages)
                    files.Write("samples_fp.png", Grid(floatImages, images));
            }
            else if (runImages is not null)
            {
                files.Write("samples.png", ComparisonSheet.Render($"{result.Plan.Name}: {n} samples, one row per class", classNames, result.Labels,
                    runImages.Pixels, null, quality?.Recipe?.Predicted, runImages.Height, runImages.Width, runImages.Channels));
            }
            else
            {
                var zoom = Math.Max(1, 128 / m.LatentSize);
                var (width, height, rgb) = LatentImage.Render(result.Latents, n, m.InChannels, m.LatentSize, zoom);
                files.Write("samples.png", Drawing.Png(width, height, rgb));
            }
            if (runImages?.FloatPixels is { } floatPixels)
            {
                files.Write("compare.png", ComparisonSheet.Render($"{result.Plan.Name} beside float (same seed and label; red frame: classified as another class)", classNames,
                    result.Labels, runImages.Pixels, floatPixels, quality?.Recipe?.Predicted, runImages.Height, runImages.Width, runImages.Channels));
            }
            if (runImages is not null)
                files.WriteNpz("samples.npz", runImages.AdmArrays(result.Labels));
            if (result.OperatorErrors is { } errors)
                files.Write("errors.png", ErrorHeatmapPlot.Render(result.Plan, errors));
            var peak = PeakMemory.Bytes();
            files.Write("report.json", RunReport.Json(result, source, peak, images, quality));
            files.Write("report.md", RunReport.Markdown(result, source, peak, images, quality));
            files.Write(QuantCacheLog.FileName, QuantCacheLog.Json(result, quality));
            if (result.ScDebug.Count > 0)
                files.Write(ScDebugCsv.FileName, ScDebugCsv.Format(result.ScDebug));
        }

        private static byte[] Grid(byte[][] rgb, DecodedImages images)
        {
            var (width, height, grid) = ImageGrid.Compose(rgb, images.Width, images.Height);
            return Drawing.Png(width, height, grid);
        }

        private static void Summary(RunResult result, string folder, TextWriter output, DecodedImages? images, RunQuality? quality, IReadOnlyList<string> written)
        {
            var t = result.Times;
            output.WriteLine(FormattableString.Invariant($"{result.Plan.Name}: {result.Labels.Length} samples in {t.Sampling.TotalSeconds:0.00} s ({result.Plan.Steps / Math.Max(t.Sampling.TotalSeconds, 1e-9):0.00} steps/s); weights {t.Weights.TotalSeconds:0.00} s, quantization {t.Quantization.TotalSeconds:0.00} s"));
            if (result.FinalRelativeError is { } error)
                output.WriteLine(FormattableString.Invariant($"  final latents vs float: relative L2 error {ReportNumbers.Text(error, "0.0000e+0")} (float run {t.FloatSampling.TotalSeconds:0.00} s)"));
            output.WriteLine(FormattableString.Invariant($"  plan: SC runs {result.Budget.ScFraction * 100:0.0}% of block MACs, {(result.Budget.IsBound ? "at least " : string.Empty)}{result.Budget.Savings * 100:0.0}% below full-length streams"));
            RunSummary.Write(result, output);
            if (images is not null)
                output.WriteLine(FormattableString.Invariant($"  VAE decoded {images.Rgb.Length} images of {images.Width}x{images.Height} in {images.DecodeTime.TotalSeconds:0.00} s")
                    + (quality?.Fidelity is { } fidelity ? $"; PSNR vs float {DecodedImages.Db(DecodedImages.PooledPsnr(fidelity.Psnr))}" : string.Empty));
            foreach (var line in quality?.Summary() ?? Array.Empty<string>())
                output.WriteLine(line);
            output.WriteLine($"  results in {folder}: {string.Join(", ", written)}, log.txt");
        }

        /// <summary>The bundled classifier for a run of the bundled model (null for any other model); false (after
        /// one line) when one of its files is missing or unusable.</summary>
        private bool TryOpenJudge(ModelSpec model, out BundledClassifier? judge)
        {
            judge = null;
            if (!model.Equals(ModelCatalog.FashionMnist))
                return true;
            try
            {
                judge = BundledClassifier.Open();
                return true;
            }
            catch (Exception e) when (e is CheckpointException or InvalidDataException)
            {
                error.WriteLine("qrecipe: " + e.Message);
                return false;
            }
        }

        private static string CheckpointName(ModelSpec model) =>
            "DiT-" + model.Name["dit-".Length..].ToUpperInvariant() + $"-{model.ImageSize}x{model.ImageSize}.pt";
    }
}
