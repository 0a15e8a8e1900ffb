using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using QRecipe.Plan.Text;
using QRecipe.Recipes;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Execution;

namespace QRecipe.Cli.Run.Shards;

/// <summary>
/// <c>qrecipe run --shard I/N</c>: makes the chunks shard I owns (<see cref="ShardChunks"/>) into the output folder as
/// <c>chunk-NNNNNN.npz</c>, each written atomically as soon as it is sampled, and logs to
/// <c>shard-I-of-N.log</c>. A chunk already there with the same run identity is skipped, so a rerun resumes; one made
/// with other settings stops the shard before any work. Shards write no report: <c>qrecipe merge</c> joins the chunks.
/// </summary>
/// <param name="estimate">Prints the run's estimate for the given number of samples (those of the chunks to make) and
/// copies it into the log.</param>
internal sealed class ShardRun(TextWriter output, TextWriter error, Action<int, TextWriter> estimate)
{
    public int Run(ShardJob job, CancellationToken cancellation)
    {
        var shard = job.Shard;
        var owned = ShardChunks.Of(job.Samples, job.ChunkSize, shard);
        var name = $"shard {shard.Index}/{shard.Count}";
        if (!TryPrepareFolder(job.Folder))
            return CliApp.RuntimeFailure;
        var identity = Identity(job);
        var missing = new List<int>();
        for (var chunk = owned.FirstChunk; chunk < owned.EndChunk; chunk++)
        {
            var path = Path.Combine(job.Folder, ChunkFile.Name(chunk));
            if (!File.Exists(path))
            {
                missing.Add(chunk);
                continue;
            }
            if (!Matches(path, identity))
                return CliApp.RecipeErrors;
        }
        var logPath = Path.Combine(job.Folder, $"shard-{shard.Index}-of-{shard.Count}.log");
        using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        log.WriteLine($"{Now()} qrecipe run {job.Source} --shard {shard.Index}/{shard.Count} ({shard.Origin}): {job.Plan.Name}, samples {owned.FirstSample}..{owned.EndSample - 1} of {job.Samples} in chunks {owned.FirstChunk}..{owned.EndChunk - 1} of {job.ChunkSize}");
        foreach (var chunk in Enumerable.Range(owned.FirstChunk, owned.Count).Except(missing))
            log.WriteLine($"{Now()} chunk {chunk} present, skipped");
        var summary = owned.Count == 0
            ? $"{name}: {job.Samples} samples make {(job.Samples + job.ChunkSize - 1) / job.ChunkSize} chunks of {job.ChunkSize}, none for this shard"
            : $"{name}: samples {owned.FirstSample}..{owned.EndSample - 1} of {job.Samples}, chunks {owned.FirstChunk}..{owned.EndChunk - 1}: {owned.Count - missing.Count} present, {missing.Count} to make";
        output.WriteLine(summary);
        if (missing.Count == 0)
        {
            log.WriteLine($"{Now()} nothing to make");
            return 0;
        }
        estimate(missing.Sum(chunk => Math.Min(job.ChunkSize, job.Samples - chunk * job.ChunkSize)), log);
        try
        {
            DeviceLines.Write(job.ComputeDevice.Describe(job.Plan), output, log);
            var view = new RunProgressView(output, log);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            foreach (var (first, end) in Ranges(missing))
                view.Show(() => Make(job, identity, first, end, view, log, cancellation));
            var peak = RunMemoryEstimate.Format(PeakMemory.Bytes());
            output.WriteLine(FormattableString.Invariant($"{name}: {missing.Count} chunks written to {job.Folder} in {clock.Elapsed.TotalSeconds:0.00} s, peak memory {peak}"));
            log.WriteLine(FormattableString.Invariant($"{Now()} done: {missing.Count} chunks in {clock.Elapsed.TotalSeconds:0.00} s, peak memory {peak}"));
            return 0;
        }
        catch (NonFiniteActivationException e)
        {
            log.WriteLine("failed: " + e.Message);
            error.WriteLine($"qrecipe: {e.Message}; the chunks written before are kept, {SafeText.Escape(logPath)} has the log");
            return CliApp.NonFiniteActivation;
        }
        catch (OperationCanceledException)
        {
            log.WriteLine($"{Now()} cancelled by the user; a rerun resumes after the chunks written");
            error.WriteLine($"qrecipe: cancelled; the chunks written are kept and a rerun resumes, {SafeText.Escape(logPath)} records how far the shard got");
            return Commands.RunCommand.Cancelled;
        }
        catch (Exception e) when (e is NotSupportedException or CheckpointException or InvalidDataException)
        {
            log.WriteLine("failed: " + e.Message);
            error.WriteLine("qrecipe: " + e.Message);
            return CliApp.RecipeErrors;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.WriteLine("failed: " + e.Message);
            error.WriteLine($"qrecipe: {e.Message}; the chunks written before are kept, {SafeText.Escape(logPath)} has the log");
            return CliApp.RuntimeFailure;
        }
        catch (Exception e)
        {
            log.WriteLine("failed: " + e.Message);
            throw;
        }
    }

    /// <summary>Samples chunks <paramref name="first"/> .. <paramref name="end"/> − 1 in one run (weights, calibration and
    /// quantization once) and writes each as soon as it is done.</summary>
    private static int Make(ShardJob job, RunIdentity identity, int first, int end, RunProgressView view, TextWriter log, CancellationToken cancellation)
    {
        var model = job.Plan.Model;
        var (firstSample, _) = ShardChunks.Samples(first, job.ChunkSize, job.Samples);
        var (lastFirst, lastCount) = ShardChunks.Samples(end - 1, job.ChunkSize, job.Samples);
        var count = lastFirst + lastCount - firstSample;
        void Write(SampleChunk chunk)
        {
            var images = ChunkImages.Of(model, job.Vae, chunk.Latents, chunk.Labels.Length);
            ChunkFile.Write(Path.Combine(job.Folder, ChunkFile.Name(chunk.Index)), identity, chunk.FirstSample, chunk.Labels, chunk.Latents,
                [model.InChannels, model.LatentSize, model.LatentSize], images?.Bytes, images?.Shape);
            log.WriteLine($"{Now()} chunk {chunk.Index} written (samples {chunk.FirstSample}..{chunk.FirstSample + chunk.Labels.Length - 1})");
        }
        var settings = new RunSettings(count, job.Labels?[firstSample..(firstSample + count)], job.Seed, job.Checkpoint, job.WeightSeed, CompareFloat: false,
            InitialNoise: null, FirstSample: firstSample, ChunkSize: job.ChunkSize);
        RecipeRunner.Run(job.Plan, settings, job.ComputeDevice, view, cancellation, chunkDone: Write);
        return end - first;
    }

    /// <summary>The missing chunks as runs of consecutive indices [first, end).</summary>
    private static IEnumerable<(int First, int End)> Ranges(IReadOnlyList<int> chunks)
    {
        var start = 0;
        for (var i = 1; i <= chunks.Count; i++)
        {
            if (i < chunks.Count && chunks[i] == chunks[i - 1] + 1)
                continue;
            yield return (chunks[start], chunks[i - 1] + 1);
            start = i;
        }
    }

    private bool TryPrepareFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"qrecipe: cannot create the shard folder {SafeText.Escape(folder)}: {SafeText.Escape(e.Message)}");
            return false;
        }
    }

    /// <summary>True when the chunk at <paramref name="path"/> belongs to this run; otherwise false after one line.</summary>
    private bool Matches(string path, RunIdentity identity)
    {
        try
        {
            if (identity.Difference(ChunkFile.ReadIdentity(path)) is not { } difference)
                return true;
            error.WriteLine($"qrecipe: {SafeText.Escape(path)} was made with {difference.Name} {SafeText.Escape(difference.Theirs)}, this run has {SafeText.Escape(difference.Mine)}; "
                + "give another --out, or remove the folder's chunks to start over");
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"qrecipe: {e.Message}; remove it to make the chunk again");
        }
        return false;
    }

    private static RunIdentity Identity(ShardJob job)
    {
        var plan = job.Plan;
        string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        return RunIdentity.Of(
        [
            ("recipe", plan.Name),
            ("recipe_hash", RecipeHash(job.Recipe)),
            ("checkpoint_hash", job.Checkpoint is null ? $"synthetic weights, seed {job.WeightSeed}" : RunIdentity.FileHash(job.Checkpoint)),
            ("vae_hash", job.VaePath is null ? "none" : RunIdentity.FileHash(job.VaePath)),
            ("model", plan.Model.Name),
            ("sampler", plan.Sampler.Kind.ToString().ToLowerInvariant()),
            ("steps", plan.Steps.ToString(CultureInfo.InvariantCulture)),
            ("cfg", Invariant(plan.Sampler.Cfg)),
            ("eta", Invariant(plan.Sampler.Eta)),
            ("seed", job.Seed.ToString(CultureInfo.InvariantCulture)),
            ("samples", job.Samples.ToString(CultureInfo.InvariantCulture)),
            ("chunk_size", job.ChunkSize.ToString(CultureInfo.InvariantCulture)),
            ("labels", job.Labels is null ? "drawn from the seed" : RunIdentity.LabelsHash(job.Labels)),
            ("device", job.Device),
        ]);
    }

    /// <summary>The SHA-256 of the recipe file (of the one file a folder holds), or a built-in recipe's name: its text is
    /// compiled into this software version, which the identity holds too.</summary>
    private static string RecipeHash(string recipe)
    {
        if (File.Exists(recipe))
            return RunIdentity.FileHash(recipe);
        if (Directory.Exists(recipe) && RecipeFiles.TryExpand([recipe], TextWriter.Null, out var files) && files.Count == 1)
            return RunIdentity.FileHash(files[0]);
        return QRecipeRegistry.Find(recipe) is { } builtIn ? $"built-in {builtIn.Name}" : recipe;
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
